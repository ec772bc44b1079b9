"""The PPO trainer: rollout storage, the update, exploration archive, checkpoints, logs."""
