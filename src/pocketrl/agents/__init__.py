"""Agents: the trainable policy network (and evaluation agents)."""
