"""The DCGAN Generator and Discriminator of the PyTorch DCGAN tutorial (64x64 images), module names ``main.N``."""
from ... import nn


def weights_init(m):
    """The tutorial's initialisation, for ``net.apply(weights_init)``: convolutions N(0, 0.02), batch norm
    weights N(1, 0.02) and zero biases."""
    _init_module(m, 0.0, 0.02, 1.0, 0.02)


def _init_module(m, w_mean, w_std, b_mean, b_std):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        nn.init.normal_(m.weight.data, w_mean, w_std)
    elif classname.find("BatchNorm") != -1:
        nn.init.normal_(m.weight.data, b_mean, b_std)
        nn.init.constant_(m.bias.data, 0)


class _DCGAN(nn.Module):
    def forward(self, input):
        return self.main(input)

    def initialize_weights(self, w_mean=0.0, w_std=0.02, b_mean=1, b_std=0.02):
        """The study notes' form of ``weights_init``, with the means and deviations as arguments."""
        for m in self.modules():
            _init_module(m, w_mean, w_std, b_mean, b_std)


class Generator(_DCGAN):
    """Noise (N, nz, 1, 1) to images (N, nc, 64, 64) in [-1, 1]: transposed convolutions, BatchNorm, ReLU, Tanh."""

    def __init__(self, nz=100, ngf=64, nc=3):
        super().__init__()
        widths = [nz, ngf * 8, ngf * 4, ngf * 2, ngf]
        layers = [nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8), nn.ReLU(True)]
        for c_in, c_out in zip(widths[1:], widths[2:]):
            layers += [nn.ConvTranspose2d(c_in, c_out, 4, 2, 1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU(True)]
        layers += [nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh()]
        self.main = nn.Sequential(*layers)


class Discriminator(_DCGAN):
    """Images (N, nc, 64, 64) to the probability (N, 1, 1, 1) that each is real: strided convolutions, LeakyReLU."""

    def __init__(self, nc=3, ndf=64):
        super().__init__()
        widths = [ndf, ndf * 2, ndf * 4, ndf * 8]
        layers = [nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True)]
        for c_in, c_out in zip(widths, widths[1:]):
            layers += [nn.Conv2d(c_in, c_out, 4, 2, 1, bias=False), nn.BatchNorm2d(c_out),
                       nn.LeakyReLU(0.2, inplace=True)]
        layers += [nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False), nn.Sigmoid()]
        self.main = nn.Sequential(*layers)
