"""DynamoDB Accelerator (DAX): clusters and parameter groups, and a cache in front of DynamoDB."""
