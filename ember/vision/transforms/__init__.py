"""ember.vision.transforms (torchvision.transforms): image transforms for PIL images and tensors."""
from . import functional
from .autoaugment import AugMix, AutoAugment, AutoAugmentPolicy, RandAugment, TrivialAugmentWide
from .interpolation_mode import InterpolationMode
from .transforms import (CenterCrop, ColorJitter, Compose, ConvertImageDtype, FiveCrop, GaussianBlur, Grayscale,
                         Lambda, Normalize, Pad, PILToTensor, RandomAdjustSharpness, RandomAffine, RandomApply,
                         RandomAutocontrast, RandomChoice, RandomCrop, RandomEqualize, RandomErasing, RandomGrayscale,
                         RandomHorizontalFlip, RandomInvert, RandomOrder, RandomPerspective, RandomPosterize,
                         RandomResizedCrop, RandomRotation, RandomSolarize, RandomTransforms, RandomVerticalFlip,
                         Resize, TenCrop, ToPILImage, ToTensor)

__all__ = ["functional", "AugMix", "AutoAugment", "AutoAugmentPolicy", "RandAugment", "TrivialAugmentWide",
           "InterpolationMode", "CenterCrop", "ColorJitter", "Compose", "ConvertImageDtype", "FiveCrop",
           "GaussianBlur", "Grayscale", "Lambda", "Normalize", "Pad", "PILToTensor", "RandomAdjustSharpness",
           "RandomAffine", "RandomApply", "RandomAutocontrast", "RandomChoice", "RandomCrop", "RandomEqualize",
           "RandomErasing", "RandomGrayscale", "RandomHorizontalFlip", "RandomInvert", "RandomOrder",
           "RandomPerspective", "RandomPosterize", "RandomResizedCrop", "RandomRotation", "RandomSolarize",
           "RandomTransforms", "RandomVerticalFlip", "Resize", "TenCrop", "ToPILImage", "ToTensor"]
