"""CloudWatch metrics: publishing, statistics, GetMetricData and ListMetrics."""
