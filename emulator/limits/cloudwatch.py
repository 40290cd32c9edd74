"""CloudWatch's limits, each with the AWS page that states it."""

from __future__ import annotations

from emulator.limits.model import Limit

PUT_METRIC_DATA = (
    "PutMetricData — "
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html"
)
GET_METRIC_STATISTICS = (
    "GetMetricStatistics — "
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricStatistics.html"
)
GET_METRIC_DATA = (
    "GetMetricData — "
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html"
)
LIST_METRICS = (
    "ListMetrics — "
    "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_ListMetrics.html"
)
DIMENSION = "Dimension — https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html"
_DAY = 86_400

TABLE: tuple[Limit, ...] = (
    Limit(
        "cloudwatch",
        "MetricsPerPut",
        1000,
        "metrics",
        "Metrics in one PutMetricData request",
        PUT_METRIC_DATA,
    ),
    Limit(
        "cloudwatch",
        "ValuesPerMetric",
        150,
        "values",
        "Entries of a Values array in one PutMetricData request",
        PUT_METRIC_DATA,
    ),
    Limit(
        "cloudwatch", "Dimensions", 30, "dimensions", "Dimensions of one metric", PUT_METRIC_DATA
    ),
    Limit("cloudwatch", "NameLength", 255, "characters", "A namespace or metric name", DIMENSION),
    Limit("cloudwatch", "DimensionValueLength", 1024, "characters", "A dimension value", DIMENSION),
    Limit(
        "cloudwatch",
        "ValueMagnitude",
        2.0**360,
        "absolute value",
        "Largest magnitude of a value: values lie between -2^360 and 2^360",
        PUT_METRIC_DATA,
    ),
    Limit(
        "cloudwatch",
        "TimestampPast",
        14 * _DAY,
        "seconds",
        "How far in the past a data point's timestamp may be (two weeks)",
        PUT_METRIC_DATA,
    ),
    Limit(
        "cloudwatch",
        "TimestampFuture",
        2 * 3600,
        "seconds",
        "How far in the future a data point's timestamp may be (two hours)",
        PUT_METRIC_DATA,
    ),
    Limit(
        "cloudwatch",
        "StatisticsDatapoints",
        1440,
        "data points",
        "Data points one GetMetricStatistics call may ask for",
        GET_METRIC_STATISTICS,
    ),
    Limit(
        "cloudwatch",
        "Statistics",
        5,
        "statistics",
        "Entries of GetMetricStatistics' Statistics",
        GET_METRIC_STATISTICS,
    ),
    Limit(
        "cloudwatch",
        "ExtendedStatistics",
        10,
        "statistics",
        "Entries of GetMetricStatistics' ExtendedStatistics",
        GET_METRIC_STATISTICS,
    ),
    Limit(
        "cloudwatch",
        "HighResolutionRetention",
        3 * 3600,
        "seconds",
        "Data points with a period under 60 seconds are kept 3 hours",
        GET_METRIC_STATISTICS,
    ),
    Limit(
        "cloudwatch",
        "MinuteRetention",
        15 * _DAY,
        "seconds",
        "Data points with a 60-second period are kept 15 days",
        GET_METRIC_STATISTICS,
    ),
    Limit(
        "cloudwatch",
        "FiveMinuteRetention",
        63 * _DAY,
        "seconds",
        "Data points with a 300-second period are kept 63 days",
        GET_METRIC_STATISTICS,
    ),
    Limit(
        "cloudwatch",
        "HourRetention",
        455 * _DAY,
        "seconds",
        "Data points with a 3600-second period are kept 455 days (15 months)",
        GET_METRIC_STATISTICS,
    ),
    Limit(
        "cloudwatch",
        "MetricDataQueries",
        500,
        "queries",
        "MetricDataQuery structures in one GetMetricData call",
        GET_METRIC_DATA,
    ),
    Limit(
        "cloudwatch",
        "MetricDataDatapoints",
        100_800,
        "data points",
        "Data points one GetMetricData call returns before paginating (MaxDatapoints default)",
        GET_METRIC_DATA,
    ),
    Limit(
        "cloudwatch",
        "ListMetricsPage",
        500,
        "metrics",
        "Metrics one ListMetrics call returns",
        LIST_METRICS,
    ),
    Limit(
        "cloudwatch",
        "ListMetricsWindow",
        14 * _DAY,
        "seconds",
        "ListMetrics shows metrics that received data in the past two weeks",
        LIST_METRICS,
    ),
    Limit(
        "cloudwatch",
        "RecentlyActive",
        3 * 3600,
        "seconds",
        "ListMetrics' RecentlyActive=PT3H window",
        LIST_METRICS,
    ),
    Limit(
        "cloudwatch",
        "DimensionFilters",
        10,
        "filters",
        "Dimension filters of one ListMetrics call",
        LIST_METRICS,
    ),
)
