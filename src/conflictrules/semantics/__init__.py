"""Semantic steps: turning matched text into typed values."""
