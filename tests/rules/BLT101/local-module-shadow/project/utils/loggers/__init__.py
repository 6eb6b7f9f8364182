try:
    import wandb
except ImportError:
    wandb = None
