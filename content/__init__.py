"""The built-in courses, shipped as data inside the package."""
