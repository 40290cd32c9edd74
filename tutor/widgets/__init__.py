"""Widgets of the lab workspace."""
