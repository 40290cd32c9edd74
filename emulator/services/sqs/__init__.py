"""SQS: standard queues, messages, visibility timeouts, delays, retention and redrive."""
