"""Tests of service/stores/."""
