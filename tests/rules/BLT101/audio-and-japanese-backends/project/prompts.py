import torchaudio
from sudachipy import dictionary, tokenizer

splitter = dictionary.Dictionary().create()


def load_prompt(path):
    waveform, sample_rate = torchaudio.load(path)
    return waveform, sample_rate


def cut(text):
    return [m.surface() for m in splitter.tokenize(text, tokenizer.Tokenizer.SplitMode.A)]
