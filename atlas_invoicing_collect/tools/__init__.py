from .words import count_words
