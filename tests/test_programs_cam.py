"""The notes' hook chapter as whole programs, run with torch and with ember from the same weights: feature maps
captured by forward hooks, and Grad-CAM (a forward hook on the last conv plus a tensor hook for its gradient)."""
import numpy as np

from test_programs import assert_same_printout

ALEXNET_STYLE = """
nn, F = torch.nn, torch.nn.functional

class SmallAlexNet(nn.Module):
    def __init__(self, num_classes=3):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 5, stride=2, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(2),
            nn.Conv2d(8, 12, 3, padding=1), nn.ReLU(inplace=True),
            nn.Conv2d(12, 16, 3, padding=1), nn.ReLU(inplace=True))
        self.avgpool = nn.AdaptiveAvgPool2d((2, 2))
        self.classifier = nn.Sequential(nn.Dropout(), nn.Linear(16 * 2 * 2, 32), nn.ReLU(inplace=True),
                                        nn.Linear(32, num_classes))

    def forward(self, x):
        x = self.avgpool(self.features(x))
        return self.classifier(torch.flatten(x, 1))

net = SmallAlexNet()
with torch.no_grad():
    for p, w in zip(net.parameters(), weights):
        p.copy_(torch.from_numpy(w))
net.eval()
img_tensor = torch.from_numpy(image)
"""

FEATURE_MAPS = ALEXNET_STYLE + """
fmap_dict = dict()
for name, sub_module in net.named_modules():
    if isinstance(sub_module, nn.Conv2d):
        key_name = str(sub_module.weight.shape)
        fmap_dict.setdefault(key_name, list())
        n1, n2 = name.split(".")

        def hook_func(m, i, o):
            key_name = str(m.weight.shape)
            fmap_dict[key_name].append(o)

        net._modules[n1]._modules[n2].register_forward_hook(hook_func)

output = net(img_tensor)
for layer_name, fmap_list in fmap_dict.items():
    fmap = fmap_list[0]
    fmap.transpose_(0, 1)
    print(layer_name, tuple(fmap.shape), fmap.sum().item(), fmap.amax(dim=(1, 2, 3))[:4])
print(output)
"""

GRAD_CAM = ALEXNET_STYLE + """
fmaps, grads = [], []

def forward_hook(module, inputs, output):
    fmaps.append(output)
    output.register_hook(lambda grad: grads.append(grad))

net.features[5].register_forward_hook(forward_hook)
output = net(img_tensor)
class_idx = int(output.argmax(dim=1)[0])
net.zero_grad()
output[0, class_idx].backward()

fmap, grad = fmaps[0][0], grads[0][0]
weights_cam = grad.mean(dim=(1, 2))
cam = F.relu((weights_cam[:, None, None] * fmap).sum(dim=0))
cam = F.interpolate(cam[None, None], size=img_tensor.shape[2:], mode="bilinear", align_corners=False)[0, 0]
cam = (cam - cam.min()) / (cam.max() - cam.min() + 1e-8)
print(class_idx, weights_cam)
print(cam.shape, cam.sum().item())
print(cam[::8, ::8])
"""

SHAPES = [(8, 3, 5, 5), (8,), (12, 8, 3, 3), (12,), (16, 12, 3, 3), (16,), (32, 64), (32,), (3, 32), (3,)]


def _data():
    rng = np.random.default_rng(7)
    weights = [(rng.standard_normal(s) * (0.5 if len(s) > 1 else 0.1)).astype(np.float32) for s in SHAPES]
    image = rng.random((1, 3, 32, 32)).astype(np.float32)
    return {"weights": weights, "image": image}


def test_feature_maps_from_forward_hooks():
    out = assert_same_printout(FEATURE_MAPS, **_data())
    assert "torch.Size([8, 3, 5, 5]) (8, 1, 16, 16)" in out


def test_grad_cam_heat_map():
    out = assert_same_printout(GRAD_CAM, **_data())
    assert "torch.Size([32, 32])" in out
