"""The teacher: course model, loader, checks, grader, progress and the lab console."""
