"""Lambda: functions whose code runs for real, one worker process per execution environment."""
