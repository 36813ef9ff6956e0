"""Testing support for grammar authors: a pytest plugin that collects rule examples."""
