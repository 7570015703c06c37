"""Model architectures with torchvision's module and parameter names (a torchvision state_dict loads as is), plus
the study notes' LeNet and the DCGAN tutorial's Generator/Discriminator. No weights are downloaded."""
from .alexnet import AlexNet, alexnet
from .dcgan import Discriminator, Generator
from .googlenet import GoogLeNet, GoogLeNetOutputs, googlenet
from .lenet import LeNet
from .resnet import (BasicBlock, Bottleneck, ResNet, resnet18, resnet34, resnet50, resnet101, resnet152,
                     resnext50_32x4d, resnext101_32x8d, resnext101_64x4d, wide_resnet50_2, wide_resnet101_2)
from .vgg import VGG, vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19, vgg19_bn

__all__ = ["AlexNet", "alexnet", "Discriminator", "Generator", "GoogLeNet", "GoogLeNetOutputs", "googlenet",
           "LeNet", "BasicBlock", "Bottleneck", "ResNet", "resnet18", "resnet34", "resnet50", "resnet101",
           "resnet152", "resnext50_32x4d", "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2",
           "wide_resnet101_2", "VGG", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16", "vgg16_bn", "vgg19",
           "vgg19_bn"]
