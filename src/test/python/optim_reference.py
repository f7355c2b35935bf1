# Prints the PyTorch reference values pinned in org.fnl4j.optim.OptimizerTest (run with a python3 that has torch;
# recorded with Debian python3-torch 1.13). Not run in CI.
import torch, math
torch.set_default_dtype(torch.float32)
p0 = [0.5, -1.2, 2.0, 0.3, -0.05]
def run(make, steps=5):
    p = torch.nn.Parameter(torch.tensor(p0))
    opt = make([p])
    for t in range(steps):
        opt.zero_grad()
        with torch.no_grad():
            g = 0.5 * p.detach() + torch.tensor([math.sin(1.3 * i + 0.7 * t) for i in range(len(p0))])
        p.grad = g.clone()
        opt.step()
    return p.detach().tolist()
cases = {
 "sgd_plain": lambda ps: torch.optim.SGD(ps, lr=0.1),
 "sgd_momentum_wd": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, weight_decay=1e-2),
 "sgd_nesterov_wd": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=5e-4),
 "sgd_dampening": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.8, dampening=0.3),
 "adamw": lambda ps: torch.optim.AdamW(ps, lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1),
 "adam_l2": lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.05),
}
for k, f in cases.items():
    print(k, ", ".join("%.9ef" % v for v in run(f)))
