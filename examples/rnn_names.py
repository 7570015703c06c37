"""The study notes' RNN name classifier: a hand-written RNN cell (nn.Linear u, w, v + tanh + LogSoftmax) reads a
name letter by letter and guesses its language; trained one random name at a time with a hand-written SGD step.

An ordinary PyTorch program; run it on ember with ``python -m ember run examples/rnn_names.py [--iters N]``.
Prints the loss as it trains, then the training accuracy over all names.
"""
import argparse
import random
import string
import time

import torch
import torch.nn as nn

NAMES = {
    "Japanese": "Abe Aoki Fujita Fukuda Hayashi Honda Ikeda Inoue Ito Kato Kimura Kobayashi Kondo Matsumoto Mori "
                "Nakamura Nakano Ogawa Okada Saito Sakamoto Sasaki Suzuki Takahashi Tanaka Watanabe Yamada "
                "Yamamoto Yamaguchi Yoshida",
    "Russian": "Abramov Alekseev Belov Bogdanov Volkov Vorobiev Gusev Egorov Zaitsev Ivanov Kiselev Kozlov "
               "Kuznetsov Lebedev Makarov Medvedev Morozov Nikitin Novikov Orlov Pavlov Petrov Popov Semenov "
               "Smirnov Sokolov Sorokin Stepanov Fedorov Frolov",
    "Italian": "Bianchi Bruno Colombo Conti Costa De Luca Esposito Ferrari Fontana Gallo Giordano Greco Lombardi "
               "Mancini Marino Moretti Ricci Rinaldi Rizzo Romano Russo Santoro Barbieri Caruso Ferri Galli "
               "Leone Longo Martini Villa",
    "Chinese": "Bai Cao Chen Deng Ding Fan Feng Gao Guo Han He Hu Huang Jiang Li Liang Lin Liu Luo Ma Song Sun "
               "Tang Wang Wu Xu Yang Zhang Zhao Zhou",
    "Scottish": "Anderson Brown Campbell Clark Craig Crawford Duncan Fraser Graham Grant Hamilton Henderson Hunter "
                "Johnston Kerr MacDonald MacKenzie MacLeod Mitchell Murray Paterson Reid Robertson Ross Scott "
                "Sinclair Stewart Thomson Walker Watson",
}

all_letters = string.ascii_letters + " .,;'"
n_letters = len(all_letters)
all_categories = list(NAMES)
category_lines = {category: names.split() for category, names in NAMES.items()}


def letterToIndex(letter):
    return all_letters.find(letter)


def lineToTensor(line):
    tensor = torch.zeros(len(line), 1, n_letters)
    for li, letter in enumerate(line):
        tensor[li][0][letterToIndex(letter)] = 1
    return tensor


def categoryFromOutput(output):
    top_n, top_i = output.topk(1)
    category_i = top_i[0].item()
    return all_categories[category_i], category_i


def randomChoice(items):
    return items[random.randint(0, len(items) - 1)]


def randomTrainingExample():
    category = randomChoice(all_categories)
    line = randomChoice(category_lines[category])
    category_tensor = torch.tensor([all_categories.index(category)], dtype=torch.long)
    return category, line, category_tensor, lineToTensor(line)


class RNN(nn.Module):
    def __init__(self, input_size, hidden_size, output_size):
        super(RNN, self).__init__()
        self.hidden_size = hidden_size
        self.u = nn.Linear(input_size, hidden_size)
        self.w = nn.Linear(hidden_size, hidden_size)
        self.v = nn.Linear(hidden_size, output_size)
        self.tanh = nn.Tanh()
        self.softmax = nn.LogSoftmax(dim=1)

    def forward(self, inputs, hidden):
        u_x = self.u(inputs)
        hidden = self.w(hidden)
        hidden = self.tanh(hidden + u_x)
        output = self.softmax(self.v(hidden))
        return output, hidden

    def initHidden(self):
        return torch.zeros(1, self.hidden_size)


def evaluate(line_tensor):
    hidden = rnn.initHidden()
    for i in range(line_tensor.size()[0]):
        output, hidden = rnn(line_tensor[i], hidden)
    return output


def train(category_tensor, line_tensor):
    hidden = rnn.initHidden()
    rnn.zero_grad()
    for i in range(line_tensor.size()[0]):
        output, hidden = rnn(line_tensor[i], hidden)
    loss = criterion(output, category_tensor)
    loss.backward()
    for p in rnn.parameters():
        p.data.add_(p.grad.data, alpha=-learning_rate)
    return output, loss.item()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--iters", type=int, default=6000)
    args = parser.parse_args()
    random.seed(1)
    torch.manual_seed(1)
    learning_rate = 0.01
    n_iters, print_every = args.iters, max(1, args.iters // 10)

    rnn = RNN(n_letters, 128, len(all_categories))
    criterion = nn.NLLLoss()
    current_loss, start = 0.0, time.time()
    for iter in range(1, n_iters + 1):
        category, line, category_tensor, line_tensor = randomTrainingExample()
        output, loss = train(category_tensor, line_tensor)
        current_loss += loss
        if iter % print_every == 0:
            guess, _ = categoryFromOutput(output)
            correct = "✓" if guess == category else "✗ (%s)" % category
            print("Iter: {:<7} time: {:6.1f}s loss: {:.4f} name: {:>10s}  pred: {:>8s} {}".format(
                iter, time.time() - start, current_loss / print_every, line, guess, correct))
            current_loss = 0.0

    with torch.no_grad():
        pairs = [(line, category) for category, lines in category_lines.items() for line in lines]
        hits = sum(categoryFromOutput(evaluate(lineToTensor(line)))[0] == category for line, category in pairs)
    print("train accuracy: {:.4f}".format(hits / len(pairs)))
