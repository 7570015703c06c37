"""ember.vision.models against the same architectures written here in torch.nn, mirroring torchvision's module
structure (torchvision itself is not importable): torch's weights load into ember through load_state_dict, the
state_dict keys and shapes agree exactly, and forward outputs (and a few backwards) match."""
import math
import warnings

import numpy as np
import pytest
import torch
import torch.nn as tnn
import torch.nn.functional as TF

import ember
import ember.vision.models as models
from ember.vision.models import vgg as ember_vgg
from oracle import assert_same


# ---- torch references, written from torchvision's documented architectures ----
class TorchLeNet(tnn.Module):
    def __init__(self, classes):
        super().__init__()
        self.conv1, self.conv2 = tnn.Conv2d(3, 6, 5), tnn.Conv2d(6, 16, 5)
        self.fc1, self.fc2, self.fc3 = tnn.Linear(400, 120), tnn.Linear(120, 84), tnn.Linear(84, classes)

    def forward(self, x):
        x = TF.max_pool2d(TF.relu(self.conv1(x)), 2)
        x = TF.max_pool2d(TF.relu(self.conv2(x)), 2).flatten(1)
        return self.fc3(TF.relu(self.fc2(TF.relu(self.fc1(x)))))


class TorchBasicBlock(tnn.Module):
    expansion = 1

    def __init__(self, cin, planes, stride=1, downsample=None, groups=1, width=64):
        super().__init__()
        self.conv1 = tnn.Conv2d(cin, planes, 3, stride, 1, bias=False)
        self.bn1 = tnn.BatchNorm2d(planes)
        self.relu = tnn.ReLU(inplace=True)
        self.conv2 = tnn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = tnn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        out = self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x)))))
        return self.relu(out + (x if self.downsample is None else self.downsample(x)))


class TorchBottleneck(tnn.Module):
    expansion = 4

    def __init__(self, cin, planes, stride=1, downsample=None, groups=1, width=64):
        super().__init__()
        mid = int(planes * width / 64) * groups
        self.conv1, self.bn1 = tnn.Conv2d(cin, mid, 1, bias=False), tnn.BatchNorm2d(mid)
        self.conv2 = tnn.Conv2d(mid, mid, 3, stride, 1, groups=groups, bias=False)
        self.bn2 = tnn.BatchNorm2d(mid)
        self.conv3, self.bn3 = tnn.Conv2d(mid, planes * 4, 1, bias=False), tnn.BatchNorm2d(planes * 4)
        self.relu = tnn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x))))))
        out = self.bn3(self.conv3(out))
        return self.relu(out + (x if self.downsample is None else self.downsample(x)))


class TorchResNet(tnn.Module):
    def __init__(self, block, layers, num_classes=1000, groups=1, width=64):
        super().__init__()
        self.conv1 = tnn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1, self.relu = tnn.BatchNorm2d(64), tnn.ReLU(inplace=True)
        self.maxpool = tnn.MaxPool2d(3, 2, 1)
        cin = 64
        for i, (planes, n) in enumerate(zip([64, 128, 256, 512], layers)):
            stride = 1 if i == 0 else 2
            down = None
            if stride != 1 or cin != planes * block.expansion:
                down = tnn.Sequential(tnn.Conv2d(cin, planes * block.expansion, 1, stride, bias=False),
                                      tnn.BatchNorm2d(planes * block.expansion))
            blocks = [block(cin, planes, stride, down, groups, width)]
            cin = planes * block.expansion
            blocks += [block(cin, planes, groups=groups, width=width) for _ in range(1, n)]
            setattr(self, f"layer{i + 1}", tnn.Sequential(*blocks))
        self.avgpool = tnn.AdaptiveAvgPool2d((1, 1))
        self.fc = tnn.Linear(512 * block.expansion, num_classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class TorchAlexNet(tnn.Module):
    def __init__(self, num_classes):
        super().__init__()
        r = lambda: tnn.ReLU(inplace=True)  # noqa: E731
        self.features = tnn.Sequential(
            tnn.Conv2d(3, 64, 11, 4, 2), r(), tnn.MaxPool2d(3, 2), tnn.Conv2d(64, 192, 5, padding=2), r(),
            tnn.MaxPool2d(3, 2), tnn.Conv2d(192, 384, 3, padding=1), r(), tnn.Conv2d(384, 256, 3, padding=1), r(),
            tnn.Conv2d(256, 256, 3, padding=1), r(), tnn.MaxPool2d(3, 2))
        self.avgpool = tnn.AdaptiveAvgPool2d((6, 6))
        self.classifier = tnn.Sequential(tnn.Dropout(), tnn.Linear(9216, 4096), r(), tnn.Dropout(),
                                         tnn.Linear(4096, 4096), r(), tnn.Linear(4096, num_classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


VGG_LAYERS = {"vgg11": [1, 1, 2, 2, 2], "vgg13": [2, 2, 2, 2, 2], "vgg16": [2, 2, 3, 3, 3], "vgg19": [2, 2, 4, 4, 4]}


def torch_vgg_features(name, batch_norm):
    layers, cin = [], 3
    for width, n in zip([64, 128, 256, 512, 512], VGG_LAYERS[name]):
        for _ in range(n):
            layers += [tnn.Conv2d(cin, width, 3, padding=1)] + [tnn.BatchNorm2d(width)] * batch_norm
            layers.append(tnn.ReLU(inplace=True))
            cin = width
        layers.append(tnn.MaxPool2d(2, 2))
    return tnn.Sequential(*layers)


class TorchVGG(tnn.Module):
    def __init__(self, features, num_classes):
        super().__init__()
        self.features, self.avgpool = features, tnn.AdaptiveAvgPool2d((7, 7))
        self.classifier = tnn.Sequential(tnn.Linear(25088, 4096), tnn.ReLU(True), tnn.Dropout(),
                                         tnn.Linear(4096, 4096), tnn.ReLU(True), tnn.Dropout(),
                                         tnn.Linear(4096, num_classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


class TorchBasicConv2d(tnn.Module):
    def __init__(self, cin, cout, **kwargs):
        super().__init__()
        self.conv, self.bn = tnn.Conv2d(cin, cout, bias=False, **kwargs), tnn.BatchNorm2d(cout, eps=0.001)

    def forward(self, x):
        return TF.relu(self.bn(self.conv(x)))


class TorchInception(tnn.Module):
    def __init__(self, cin, c1, c3r, c3, c5r, c5, pool):
        super().__init__()
        self.branch1 = TorchBasicConv2d(cin, c1, kernel_size=1)
        self.branch2 = tnn.Sequential(TorchBasicConv2d(cin, c3r, kernel_size=1),
                                      TorchBasicConv2d(c3r, c3, kernel_size=3, padding=1))
        self.branch3 = tnn.Sequential(TorchBasicConv2d(cin, c5r, kernel_size=1),
                                      TorchBasicConv2d(c5r, c5, kernel_size=3, padding=1))
        self.branch4 = tnn.Sequential(tnn.MaxPool2d(3, 1, 1, ceil_mode=True), TorchBasicConv2d(cin, pool, kernel_size=1))

    def forward(self, x):
        return torch.cat([self.branch1(x), self.branch2(x), self.branch3(x), self.branch4(x)], 1)


class TorchInceptionAux(tnn.Module):
    def __init__(self, cin, num_classes, dropout):
        super().__init__()
        self.conv = TorchBasicConv2d(cin, 128, kernel_size=1)
        self.fc1, self.fc2, self.dropout = tnn.Linear(2048, 1024), tnn.Linear(1024, num_classes), tnn.Dropout(dropout)

    def forward(self, x):
        x = torch.flatten(self.conv(TF.adaptive_avg_pool2d(x, (4, 4))), 1)
        return self.fc2(self.dropout(TF.relu(self.fc1(x))))


class TorchGoogLeNet(tnn.Module):
    INCEPTIONS = {"3a": (192, 64, 96, 128, 16, 32, 32), "3b": (256, 128, 128, 192, 32, 96, 64),
                  "4a": (480, 192, 96, 208, 16, 48, 64), "4b": (512, 160, 112, 224, 24, 64, 64),
                  "4c": (512, 128, 128, 256, 24, 64, 64), "4d": (512, 112, 144, 288, 32, 64, 64),
                  "4e": (528, 256, 160, 320, 32, 128, 128), "5a": (832, 256, 160, 320, 32, 128, 128),
                  "5b": (832, 384, 192, 384, 48, 128, 128)}

    def __init__(self, num_classes, transform_input=False, dropout=0.2, dropout_aux=0.7):
        super().__init__()
        self.transform_input = transform_input
        self.conv1 = TorchBasicConv2d(3, 64, kernel_size=7, stride=2, padding=3)
        self.maxpool1 = tnn.MaxPool2d(3, 2, ceil_mode=True)
        self.conv2 = TorchBasicConv2d(64, 64, kernel_size=1)
        self.conv3 = TorchBasicConv2d(64, 192, kernel_size=3, padding=1)
        self.maxpool2 = tnn.MaxPool2d(3, 2, ceil_mode=True)
        for name, args in self.INCEPTIONS.items():
            setattr(self, f"inception{name}", TorchInception(*args))
            if name == "3b":
                self.maxpool3 = tnn.MaxPool2d(3, 2, ceil_mode=True)
            if name == "4e":
                self.maxpool4 = tnn.MaxPool2d(2, 2, ceil_mode=True)
        self.aux1 = TorchInceptionAux(512, num_classes, dropout_aux)
        self.aux2 = TorchInceptionAux(528, num_classes, dropout_aux)
        self.avgpool, self.dropout = tnn.AdaptiveAvgPool2d((1, 1)), tnn.Dropout(dropout)
        self.fc = tnn.Linear(1024, num_classes)

    def forward(self, x):
        if self.transform_input:
            x = torch.cat([x[:, 0:1] * (0.229 / 0.5) + (0.485 - 0.5) / 0.5, x[:, 1:2] * (0.224 / 0.5) + (0.456 - 0.5) / 0.5,
                           x[:, 2:3] * (0.225 / 0.5) + (0.406 - 0.5) / 0.5], 1)
        x = self.maxpool2(self.conv3(self.conv2(self.maxpool1(self.conv1(x)))))
        x = self.inception4a(self.maxpool3(self.inception3b(self.inception3a(x))))
        aux1 = self.aux1(x) if self.training else None
        x = self.inception4d(self.inception4c(self.inception4b(x)))
        aux2 = self.aux2(x) if self.training else None
        x = self.inception5b(self.inception5a(self.maxpool4(self.inception4e(x))))
        x = self.fc(self.dropout(torch.flatten(self.avgpool(x), 1)))
        return (x, aux2, aux1) if self.training else x


class TorchMain(tnn.Module):
    def __init__(self, main):
        super().__init__()
        self.main = main

    def forward(self, x):
        return self.main(x)


class TorchGenerator(TorchMain):
    pass


class TorchDiscriminator(TorchMain):
    pass


def torch_dcgan(nz, ngf, ndf, nc):
    """The DCGAN tutorial's two networks, layer by layer."""
    r, lr = (lambda: tnn.ReLU(True)), (lambda: tnn.LeakyReLU(0.2, inplace=True))
    g = tnn.Sequential(tnn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False), tnn.BatchNorm2d(ngf * 8), r(),
                       tnn.ConvTranspose2d(ngf * 8, ngf * 4, 4, 2, 1, bias=False), tnn.BatchNorm2d(ngf * 4), r(),
                       tnn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False), tnn.BatchNorm2d(ngf * 2), r(),
                       tnn.ConvTranspose2d(ngf * 2, ngf, 4, 2, 1, bias=False), tnn.BatchNorm2d(ngf), r(),
                       tnn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), tnn.Tanh())
    d = tnn.Sequential(tnn.Conv2d(nc, ndf, 4, 2, 1, bias=False), lr(),
                       tnn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False), tnn.BatchNorm2d(ndf * 2), lr(),
                       tnn.Conv2d(ndf * 2, ndf * 4, 4, 2, 1, bias=False), tnn.BatchNorm2d(ndf * 4), lr(),
                       tnn.Conv2d(ndf * 4, ndf * 8, 4, 2, 1, bias=False), tnn.BatchNorm2d(ndf * 8), lr(),
                       tnn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False), tnn.Sigmoid())
    return TorchGenerator(g), TorchDiscriminator(d)


# ---- helpers ----
def shapes(state_dict):
    return [(k, tuple(v.shape)) for k, v in state_dict.items()]


def load_torch_weights(ember_model, torch_model):
    """Checks that the state_dicts have the same keys, in order, and shapes, and that the models print alike,
    then loads torch's weights into ember."""
    assert shapes(ember_model.state_dict()) == shapes(torch_model.state_dict())
    assert repr(ember_model) == repr(torch_model).replace("Torch", "")
    ember_model.load_state_dict({k: ember.from_numpy(v.detach().numpy().copy())
                                 for k, v in torch_model.state_dict().items()})


def image(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def compare_forward(ember_model, torch_model, x, train=False, backward=False, atol=1e-4, rtol=1e-4):
    """Same weights, same input: same outputs; with ``backward`` also the input's and every parameter's gradient.
    Float64 inputs run both models in float64 (batch norm over a small batch amplifies float32 rounding)."""
    load_torch_weights(ember_model, torch_model)
    if x.dtype == np.float64:
        ember_model.double()
        torch_model.double()
    ember_model.train(train)
    torch_model.train(train)
    e_in = ember.from_numpy(x.copy()).requires_grad_(backward)
    t_in = torch.from_numpy(x.copy()).requires_grad_(backward)
    with torch.set_grad_enabled(backward), ember.set_grad_enabled(backward):
        e_out, t_out = ember_model(e_in), torch_model(t_in)
        assert_same(tuple(e_out) if isinstance(e_out, tuple) else e_out, t_out, "forward", atol, rtol)
        if backward:
            e_sum = sum((o * (i + 1)).sum() for i, o in enumerate(e_out if isinstance(e_out, tuple) else [e_out]))
            t_sum = sum((o * (i + 1)).sum() for i, o in enumerate(t_out if isinstance(t_out, tuple) else [t_out]))
            e_sum.backward()
            t_sum.backward()
            assert_same(e_in.grad, t_in.grad, "grad of input", atol, rtol)
            e_params = dict(ember_model.named_parameters())
            for name, t_param in torch_model.named_parameters():
                assert_same(e_params[name].grad, t_param.grad, f"grad of {name}", atol, rtol)
    return e_out


@pytest.fixture
def skip_init(monkeypatch):
    """ember's random initialisation skipped (load_torch_weights overwrites it; numpy draws are slow here)."""
    for name in ("uniform_", "normal_", "trunc_normal_", "kaiming_uniform_", "kaiming_normal_"):
        monkeypatch.setattr(ember.nn.init, name, lambda tensor, *args, **kwargs: tensor)


def on_meta(build):
    with torch.device("meta"):
        return build()


# ---- LeNet and DCGAN ----
def test_lenet_matches_the_notes_definition_forward_and_backward():
    torch.manual_seed(0)
    compare_forward(models.LeNet(classes=2), TorchLeNet(2), image(4, 3, 32, 32), train=True, backward=True)


def test_lenet_initialize_weights_is_the_notes_scheme():
    net = models.LeNet(classes=2)
    net.initialize_weights()
    assert float(net.conv1.bias.abs().sum()) == 0 and float(net.fc1.bias.abs().sum()) == 0
    assert abs(float(net.fc1.weight.std()) - 0.1) < 0.005
    xavier_std = math.sqrt(2.0 / (6 * 25 + 16 * 25))  # conv2: fan_in 6*5*5, fan_out 16*5*5
    assert abs(float(net.conv2.weight.std()) - xavier_std) < 0.1 * xavier_std


def test_dcgan_generator_and_discriminator_match_the_tutorial():
    torch.manual_seed(0)
    ref_g, ref_d = torch_dcgan(nz=8, ngf=4, ndf=4, nc=3)
    fake = compare_forward(models.Generator(nz=8, ngf=4, nc=3), ref_g, image(2, 8, 1, 1), train=True,
                           backward=True)
    assert tuple(fake.shape) == (2, 3, 64, 64)
    prob = compare_forward(models.Discriminator(nc=3, ndf=4), ref_d, image(2, 3, 64, 64, seed=1), train=True,
                           backward=True)
    assert tuple(prob.shape) == (2, 1, 1, 1)


@pytest.mark.parametrize("init", ["apply", "method"])
def test_dcgan_weights_init(init):
    net = models.Generator(nz=16, ngf=16, nc=3)
    net.apply(models.dcgan.weights_init) if init == "apply" else net.initialize_weights()
    assert abs(float(net.main[3].weight.std()) - 0.02) < 0.002
    bn = net.main[1]
    assert abs(float(bn.weight.mean()) - 1.0) < 0.01 and float(bn.bias.abs().sum()) == 0


# ---- ResNet ----
def test_resnet18_forward_eval_and_backward_train():
    torch.manual_seed(0)
    ref = TorchResNet(TorchBasicBlock, [2, 2, 2, 2], num_classes=10)
    compare_forward(models.resnet18(num_classes=10), ref, image(2, 3, 32, 32))
    compare_forward(models.resnet18(num_classes=10), ref, image(2, 3, 32, 32).astype(np.float64), train=True,
                    backward=True, atol=1e-7, rtol=1e-6)


def test_a_torch_checkpoint_file_loads_into_ember_resnet(tmp_path):
    torch.manual_seed(0)
    ref = TorchResNet(TorchBottleneck, [1, 2, 1, 1], num_classes=3).eval()
    torch.save(ref.state_dict(), tmp_path / "resnet.pth")
    net = models.ResNet(models.Bottleneck, [1, 2, 1, 1], num_classes=3)
    assert str(net.load_state_dict(ember.load(tmp_path / "resnet.pth"))) == "<All keys matched successfully>"
    x = image(2, 3, 32, 32)
    with torch.no_grad():
        assert_same(net.eval()(ember.from_numpy(x.copy())), ref(torch.from_numpy(x)), "forward", 1e-4, 1e-4)


def test_resnet50_forward_with_full_size_weights(skip_init):
    torch.manual_seed(0)
    out = compare_forward(models.resnet50(), TorchResNet(TorchBottleneck, [3, 4, 6, 3]), image(2, 3, 32, 32))
    assert tuple(out.shape) == (2, 1000)


@pytest.mark.parametrize("name, block, layers, groups, width", [
    ("resnet34", TorchBasicBlock, [3, 4, 6, 3], 1, 64),
    ("resnet101", TorchBottleneck, [3, 4, 23, 3], 1, 64),
    ("resnet152", TorchBottleneck, [3, 8, 36, 3], 1, 64),
    ("resnext50_32x4d", TorchBottleneck, [3, 4, 6, 3], 32, 4),
    ("wide_resnet101_2", TorchBottleneck, [3, 4, 23, 3], 1, 128),
])
def test_deeper_resnets_have_torchvisions_state_dict(name, block, layers, groups, width, skip_init):
    ref = on_meta(lambda: TorchResNet(block, layers, num_classes=7, groups=groups, width=width))
    assert shapes(getattr(models, name)(num_classes=7).state_dict()) == shapes(ref.state_dict())


def test_resnet_initialisation_and_zero_init_residual():
    net = models.resnet18(zero_init_residual=True)
    assert all(float(block.bn2.weight.abs().sum()) == 0 for layer in (net.layer1, net.layer4) for block in layer)
    assert float(net.bn1.weight.min()) == 1 and float(net.bn1.bias.abs().sum()) == 0
    expected = math.sqrt(2.0 / (256 * 9))  # kaiming normal, fan_out, relu
    assert abs(float(net.layer3[1].conv1.weight.std()) - expected) < 0.05 * expected


def test_resnet_blocks_are_torchvisions():
    assert models.BasicBlock.expansion == 1 and models.Bottleneck.expansion == 4
    with pytest.raises(ValueError, match="BasicBlock only supports groups=1"):
        models.resnet18(groups=2)
    assert isinstance(models.resnet50().layer1[0], models.Bottleneck)


# ---- AlexNet, VGG, GoogLeNet ----
def test_alexnet_forward_at_64x64(skip_init):
    torch.manual_seed(0)
    out = compare_forward(models.alexnet(num_classes=10), TorchAlexNet(10), image(2, 3, 64, 64))
    assert tuple(out.shape) == (2, 10)


def test_vgg11_bn_forward(skip_init):
    torch.manual_seed(0)
    ref = TorchVGG(torch_vgg_features("vgg11", True), num_classes=10)
    compare_forward(models.vgg11_bn(num_classes=10), ref, image(2, 3, 32, 32))


@pytest.mark.parametrize("name", [f"vgg{n}{bn}" for n in (11, 13, 16, 19) for bn in ("", "_bn")])
def test_vgg_builders_use_torchvisions_feature_layers(name, monkeypatch):
    built = {}
    monkeypatch.setattr(ember_vgg, "VGG", lambda features, **kwargs: built.update(features=features, **kwargs))
    getattr(models, name)(num_classes=5)
    ref = torch_vgg_features(name[:5], name.endswith("_bn"))
    assert shapes(built["features"].state_dict()) == shapes(ref.state_dict()) and built["num_classes"] == 5
    assert [type(m).__name__ for m in built["features"]] == [type(m).__name__ for m in ref]


def test_vgg_initialisation():
    layers = ember_vgg.make_layers([8, "M", 16], batch_norm=True).append(ember.nn.Linear(500, 300))
    ember_vgg.VGG._initialize_weights(layers)  # VGG's scheme on small layers: every VGG has a 100M-weight classifier
    assert abs(float(layers[7].weight.std()) - 0.01) < 0.001 and float(layers[7].bias.abs().sum()) == 0
    expected = math.sqrt(2.0 / (16 * 9))  # kaiming normal, fan_out, relu
    assert abs(float(layers[4].weight.std()) - expected) < 0.1 * expected and float(layers[4].bias.abs().sum()) == 0
    assert float(layers[5].weight.min()) == 1 and float(layers[5].bias.abs().sum()) == 0


def test_googlenet_train_outputs_aux_logits_and_backward():
    torch.manual_seed(0)
    net = models.googlenet(num_classes=10, init_weights=True, dropout=0.0, dropout_aux=0.0)
    ref = TorchGoogLeNet(10, dropout=0.0, dropout_aux=0.0)
    out = compare_forward(net, ref, image(2, 3, 32, 32).astype(np.float64), train=True,
                          backward=True, atol=1e-7, rtol=1e-6)
    assert type(out).__name__ == "GoogLeNetOutputs" and out._fields == ("logits", "aux_logits2", "aux_logits1")


def test_googlenet_eval_with_transform_input_returns_logits():
    torch.manual_seed(0)
    net = models.googlenet(num_classes=10, transform_input=True, init_weights=False)
    out = compare_forward(net, TorchGoogLeNet(10, transform_input=True), image(2, 3, 64, 64))
    assert isinstance(out, ember.Tensor)


def test_googlenet_without_aux_logits_and_init_warning():
    with pytest.warns(FutureWarning, match="default weight initialization of GoogleNet"):
        net = models.GoogLeNet(num_classes=4, aux_logits=False)
    assert net.aux1 is None and not any(k.startswith("aux") for k in net.state_dict())
    weights = net.inception3a.branch1.conv.weight
    assert abs(float(weights.std()) - 0.01) < 0.001 and abs(float(net.fc.weight.std()) - 0.01) < 0.001


# ---- no downloads ----
@pytest.mark.parametrize("call", [lambda: models.resnet18(pretrained=True), lambda: models.alexnet(True),
                                  lambda: models.vgg16(weights="DEFAULT"),
                                  lambda: models.googlenet(weights="IMAGENET1K_V1")])
def test_pretrained_weights_explain_loading_from_a_local_file(call):
    with pytest.raises(RuntimeError, match="ember downloads no weights.*load_state_dict"):
        call()


def test_builders_accept_unset_weights():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net = models.resnet18(pretrained=False, progress=False, weights=None, num_classes=3)
    assert net.fc.out_features == 3 and models.resnet18.__name__ == "resnet18"
