"""The compiled batched step: engine, rules, overworld, battle, observe, state, tables."""
