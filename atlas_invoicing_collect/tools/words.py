def count_words(count, one, many):
    """``count`` of something in words: ``one`` or ``many`` (translated, with a ``%(count)s``
    placeholder), so that a person reads "1 invoice" and "3 invoices", never "invoice(s)"."""
    return (one if count == 1 else many) % {"count": count}
