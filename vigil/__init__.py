"""Vigil: the software a community rapid-response network runs on."""
