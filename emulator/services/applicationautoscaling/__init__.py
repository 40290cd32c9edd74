"""Application Auto Scaling: target-tracking scaling of DynamoDB tables' provisioned capacity."""
