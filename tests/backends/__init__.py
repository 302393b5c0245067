"""Tests of service/backends/."""
