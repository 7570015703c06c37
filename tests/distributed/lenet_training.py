"""Training the notes' LeNet (conv1 3->6 5x5, conv2 6->16 5x5, fc 400-120-84-10) on deterministic batches,
shared by the DDP job (run under mpiexec) and its test."""
import numpy

import ember
import ember.nn.functional as F
from ember.vision.models import LeNet

BATCH, STEPS, LR = 8, 20, 0.05


def batch(step):
    """The full batch of step ``step``: images (BATCH, 3, 32, 32) and labels."""
    rng = numpy.random.RandomState(step)
    images = rng.standard_normal((BATCH, 3, 32, 32)).astype(numpy.float32)
    return ember.from_numpy(images), ember.from_numpy(rng.randint(0, 10, BATCH).astype(numpy.int64))


def fresh_lenet(seed=0):
    ember.manual_seed(seed)
    return LeNet()


def train(model, parameters_of, shard=slice(None), steps=STEPS):
    """SGD on the mean cross-entropy of ``batch(step)[shard]``; ``parameters_of`` the model being stepped."""
    optimizer = ember.optim.SGD(parameters_of.parameters(), lr=LR, momentum=0.9)
    for step in range(steps):
        images, labels = batch(step)
        optimizer.zero_grad()
        F.cross_entropy(model(images[shard]), labels[shard]).backward()
        optimizer.step()


def weights(model):
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}
