# Prints the reference values hard-coded in AdamTests, SgdMomentumTests and GradientClippingTests.
# Run with PyTorch (the values in the tests came from 1.13): python3 pytorch_reference.py
import math, torch
N, STEPS = 11, 5
def run(make):
    p = torch.tensor([0.5 - 0.1 * i for i in range(N)], dtype=torch.float32, requires_grad=True)
    opt = make([p])
    for t in range(1, STEPS + 1):
        p.grad = torch.tensor([math.sin(0.7 * i + 1.3 * t) * (1 + 0.25 * i) for i in range(N)], dtype=torch.float32)
        opt.step()
    return ", ".join("%.9gf" % v for v in p.detach().tolist())
print("adam", run(lambda ps: torch.optim.Adam(ps, lr=0.01)))
print("adam_l2", run(lambda ps: torch.optim.Adam(ps, lr=0.01, weight_decay=0.1)))
print("adamw", run(lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.1)))
print("sgd", run(lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9)))
print("sgd_wd", run(lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, weight_decay=0.01)))
g = torch.tensor([3.0, -4.0, 12.0], requires_grad=False)
p = torch.zeros(3, requires_grad=True); p.grad = g.clone()
n = torch.nn.utils.clip_grad_norm_([p], 6.5)
print("clip", float(n), ", ".join("%.9gf" % v for v in p.grad.tolist()))
print(torch.__version__)
