"""Prints the learning rates PyTorch's schedulers give, which LearningRateScheduleTests hard-codes.

Run with: python3 schedules_pytorch.py   (PyTorch 1.13 printed the values in the tests)
"""
import torch


def rates(make, steps, losses=None):
    parameter = torch.nn.Parameter(torch.zeros(1))
    optimizer = torch.optim.SGD([parameter], lr=0.1)
    scheduler = make(optimizer)
    result = []
    for t in range(steps):
        result.append(optimizer.param_groups[0]["lr"])
        optimizer.step()
        if losses is None:
            scheduler.step()
        else:
            scheduler.step(losses[t])
    return result


def show(name, values):
    print(name + ": " + ", ".join(repr(v) for v in values))


show("StepLR(step_size=3, gamma=0.5)", rates(lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), 10))
show("ExponentialLR(gamma=0.9)", rates(lambda o: torch.optim.lr_scheduler.ExponentialLR(o, gamma=0.9), 8))
show("LinearLR(start_factor=0.25, total_iters=4) then StepLR(step_size=2, gamma=0.1)", rates(lambda o: torch.optim.lr_scheduler.SequentialLR(
    o,
    [torch.optim.lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=4), torch.optim.lr_scheduler.StepLR(o, step_size=2, gamma=0.1)],
    milestones=[4]), 10))
# 0.99995 improves on 1.0 by less than the relative threshold 1e-4, so it is a bad epoch.
losses = [1.0, 0.99995, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95]
show("ReduceLROnPlateau(factor=0.5, patience=2, cooldown=1, min_lr=0.02) losses " + repr(losses),
     rates(lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, factor=0.5, patience=2, cooldown=1, min_lr=0.02), len(losses), losses))
show("ReduceLROnPlateau(factor=0.1, patience=0, threshold=0.05, threshold_mode='abs') losses [1.0, 0.96, 0.94, 0.5]",
     rates(lambda o: torch.optim.lr_scheduler.ReduceLROnPlateau(o, factor=0.1, patience=0, threshold=0.05, threshold_mode="abs"), 4, [1.0, 0.96, 0.94, 0.5]))
