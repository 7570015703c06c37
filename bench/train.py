"""Training throughput of ember against PyTorch on the study notes' models (issue 10).

For each workload the same model (same weights, made with numpy) trains in ember and in torch, each framework
in its own process; after warm-up steps, rounds alternate ember, torch, ember, torch ... and the best round
counts. Prints samples/s for both, ember's throughput as a fraction of torch's, the peak memory each process
grew by while training, and the geometric mean of the ratios.

    python bench/train.py [substring of workload names]
"""
import math
import resource
import sys
import time

import numpy as np

from _alternate import best_of_rounds, blas_threads, child_main, import_framework

ROUNDS = 3
SECONDS_PER_ROUND = 2.0

# name: (batch size, source run with ``torch`` bound to the framework; it defines ``model`` and ``step()``)
WORKLOADS = {}

WORKLOADS["MLP 784-256-10, batch 128, SGD momentum"] = (128, """
nn = torch.nn
model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()
x, y = torch.from_numpy(rng.standard_normal((128, 784), dtype=np.float32)), torch.from_numpy(rng.integers(0, 10, 128))
""")

WORKLOADS["LeNet 3x32x32, batch 64, SGD momentum"] = (64, """
nn, F = torch.nn, torch.nn.functional
class LeNet(nn.Module):
    def __init__(self, classes):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, classes)

    def forward(self, x):
        out = F.max_pool2d(F.relu(self.conv1(x)), 2)
        out = F.max_pool2d(F.relu(self.conv2(out)), 2)
        out = out.view(out.size(0), -1)
        out = F.relu(self.fc1(out))
        out = F.relu(self.fc2(out))
        return self.fc3(out)
model = LeNet(10)
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()
x, y = torch.from_numpy(rng.standard_normal((64, 3, 32, 32), dtype=np.float32)), torch.from_numpy(rng.integers(0, 10, 64))
""")

WORKLOADS["ResNet-18 3x32x32, batch 32, SGD momentum"] = (32, """
nn, F = torch.nn, torch.nn.functional
class BasicBlock(nn.Module):
    def __init__(self, inplanes, planes, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(nn.Conv2d(inplanes, planes, 1, stride, bias=False), nn.BatchNorm2d(planes))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + (x if self.downsample is None else self.downsample(x)))
class ResNet18(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        blocks, inplanes = [], 64
        for planes, stride in ((64, 1), (128, 2), (256, 2), (512, 2)):
            blocks += [BasicBlock(inplanes, planes, stride), BasicBlock(planes, planes)]
            inplanes = planes
        self.layers = nn.Sequential(*blocks)
        self.fc = nn.Linear(512, classes)

    def forward(self, x):
        out = self.layers(F.relu(self.bn1(self.conv1(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(out, 1), 1))
model = ResNet18()
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()
x, y = torch.from_numpy(rng.standard_normal((32, 3, 32, 32), dtype=np.float32)), torch.from_numpy(rng.integers(0, 10, 32))
""")

WORKLOADS["LSTM language model, emb 64, hidden 128, seq 32, batch 32, Adam"] = (32, """
nn = torch.nn
class LanguageModel(nn.Module):
    def __init__(self, vocab=1000):
        super().__init__()
        self.embedding = nn.Embedding(vocab, 64)
        self.lstm = nn.LSTM(64, 128)
        self.head = nn.Linear(128, vocab)

    def forward(self, tokens):
        out, _ = self.lstm(self.embedding(tokens))
        return self.head(out).flatten(0, 1)
model = LanguageModel()
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
x = torch.from_numpy(rng.integers(0, 1000, (32, 32)))
y = torch.from_numpy(rng.integers(0, 1000, 32 * 32))
""")

WORKLOADS["DCGAN 64x64, nz 100, ngf = ndf = 32, batch 16, Adam (D step + G step)"] = (16, """
nn = torch.nn
nz, ngf, ndf = 100, 32, 32
netG = nn.Sequential(
    nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8), nn.ReLU(True),
    nn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 4), nn.ReLU(True),
    nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf * 2), nn.ReLU(True),
    nn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), nn.BatchNorm2d(ngf), nn.ReLU(True),
    nn.ConvTranspose2d(ngf, 3, 4, 2, 1, bias=False), nn.Tanh())
netD = nn.Sequential(
    nn.Conv2d(3, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True),
    nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 2), nn.LeakyReLU(0.2, inplace=True),
    nn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 4), nn.LeakyReLU(0.2, inplace=True),
    nn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, bias=False), nn.BatchNorm2d(ndf * 8), nn.LeakyReLU(0.2, inplace=True),
    nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False), nn.Sigmoid())
model = nn.ModuleDict({"G": netG, "D": netD})
optimizerD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
optimizerG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
criterion = nn.BCELoss()
real = torch.from_numpy(rng.uniform(-1, 1, (16, 3, 64, 64)).astype(np.float32))
noise = torch.from_numpy(rng.standard_normal((16, nz, 1, 1), dtype=np.float32))
ones, zeros = torch.ones(16), torch.zeros(16)

def step():
    netD.zero_grad()
    fake = netG(noise)
    errD = criterion(netD(real).view(-1), ones) + criterion(netD(fake.detach()).view(-1), zeros)
    errD.backward()
    optimizerD.step()
    netG.zero_grad()
    errG = criterion(netD(fake).view(-1), ones)
    errG.backward()
    optimizerG.step()
""")

WORKLOADS["logistic regression, 2 features, batch 100, SGD"] = (100, """
nn = torch.nn
model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
loss_fn = nn.BCELoss()
x = torch.from_numpy(rng.standard_normal((100, 2), dtype=np.float32))
y = torch.from_numpy((rng.random(100) > 0.5).astype(np.float32)).unsqueeze(1)
""")

DEFAULT_STEP = """
def step():
    optimizer.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    optimizer.step()
"""


def _set_same_weights(lib, model):
    """Overwrite every parameter and float buffer with numpy-made values, identical in both frameworks."""
    rng = np.random.default_rng(1)
    state = model.state_dict()
    for name, value in state.items():
        if value.dtype == lib.float32:
            fan_in = max(1, int(np.prod(value.shape[1:])))
            array = rng.standard_normal(tuple(value.shape), dtype=np.float32) / np.sqrt(fan_in)
            if name.endswith("running_var"):
                array = np.ones(tuple(value.shape), np.float32)
            state[name] = lib.from_numpy(array)
    model.load_state_dict(state)


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _measure(lib_name, selected):
    """{workload: [samples per second, peak memory growth in MB]} for the framework ``lib_name``."""
    lib = import_framework(lib_name)
    results = {}
    for name in selected:
        batch, source = WORKLOADS[name]
        env = {"torch": lib, "np": np, "rng": np.random.default_rng(0)}
        before = _peak_rss_mb()
        exec(source, env)
        if "step" not in env:
            exec(DEFAULT_STEP, env)
        _set_same_weights(lib, env["model"])
        step = env["step"]
        for _ in range(2):
            step()
        steps, start = 0, time.perf_counter()
        while time.perf_counter() - start < SECONDS_PER_ROUND or steps < 3:
            step()
            steps += 1
        results[name] = [batch * steps / (time.perf_counter() - start), _peak_rss_mb() - before]
    return results


def _best(a, b):
    """Best throughput, and the peak memory seen (the largest)."""
    return [max(a[0], b[0]), max(a[1], b[1])]


def main():
    if child_main({"--child": _measure}):
        return
    pattern = sys.argv[1] if len(sys.argv) > 1 else ""
    selected = [name for name in WORKLOADS if pattern.lower() in name.lower()]
    # One process per framework and workload, so each process's peak memory is that workload's.
    ember, torch = {}, {}
    for name in selected:
        e, t = best_of_rounds(__file__, ("ember", "torch"), [name], ROUNDS, better=_best)
        ember.update(e)
        torch.update(t)
    print(f"threads: {blas_threads()} (numpy's BLAS and torch.set_num_threads)")
    print(f"{'workload':72s} {'ember/s':>9s} {'torch/s':>9s} {'ratio':>6s} {'ember MB':>9s} {'torch MB':>9s}")
    ratios = []
    for name in selected:
        (e_speed, e_mem), (t_speed, t_mem) = ember[name], torch[name]
        ratios.append(e_speed / t_speed)
        print(f"{name:72s} {e_speed:9.1f} {t_speed:9.1f} {ratios[-1]:6.2f} {e_mem:9.1f} {t_mem:9.1f}")
    print(f"geometric mean of ember/torch throughput: {math.exp(sum(map(math.log, ratios)) / len(ratios)):.2f}")


if __name__ == "__main__":
    main()
