"""Dashboard panels: each builds a chart's data and the same data as tables."""
