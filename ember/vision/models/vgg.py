"""VGG 11/13/16/19, with and without batch norm, with torchvision's module names (features, avgpool, classifier)."""
from ... import nn
from ._api import model_builder

# numbers are 3x3 convolution widths, "M" a 2x2 max-pool (torchvision's configurations A, B, D, E)
cfgs = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M", 512, 512, 512, 512, "M"],
}


class VGG(nn.Module):
    """``features`` (from make_layers), adaptive 7x7 average pooling and a three-layer classifier."""

    def __init__(self, features, num_classes=1000, init_weights=True, dropout=0.5):
        super().__init__()
        self.features = features
        self.avgpool = nn.AdaptiveAvgPool2d((7, 7))
        self.classifier = nn.Sequential(
            nn.Linear(512 * 7 * 7, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, 4096), nn.ReLU(True), nn.Dropout(p=dropout),
            nn.Linear(4096, num_classes),
        )
        if init_weights:
            self._initialize_weights()

    def _initialize_weights(self):
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.Linear):
                nn.init.normal_(m.weight, 0, 0.01)
                nn.init.constant_(m.bias, 0)

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(x.flatten(1))


def make_layers(cfg, batch_norm=False):
    """The feature extractor for one of ``cfgs``: conv (+ BatchNorm2d) + ReLU per number, MaxPool2d per "M"."""
    layers = []
    in_channels = 3
    for v in cfg:
        if v == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        layers.append(nn.Conv2d(in_channels, v, kernel_size=3, padding=1))
        if batch_norm:
            layers.append(nn.BatchNorm2d(v))
        layers.append(nn.ReLU(inplace=True))
        in_channels = v
    return nn.Sequential(*layers)


def _vgg(name, cfg, batch_norm):
    def build(**kwargs):
        return VGG(make_layers(cfgs[cfg], batch_norm=batch_norm), **kwargs)

    build.__name__ = build.__qualname__ = name
    build.__doc__ = f"VGG {name[3:5]}-layer model (configuration {cfg}){' with batch norm' if batch_norm else ''}."
    return model_builder(build)


vgg11, vgg11_bn = _vgg("vgg11", "A", False), _vgg("vgg11_bn", "A", True)
vgg13, vgg13_bn = _vgg("vgg13", "B", False), _vgg("vgg13_bn", "B", True)
vgg16, vgg16_bn = _vgg("vgg16", "D", False), _vgg("vgg16_bn", "D", True)
vgg19, vgg19_bn = _vgg("vgg19", "E", False), _vgg("vgg19_bn", "E", True)
