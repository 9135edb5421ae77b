#!/usr/bin/env python3
"""Reference recipe for synthdesk eval: TF-IDF (word 1-2 grams + char_wb 2-5
grams, sublinear tf) and logistic regression.

    tfidf_baseline.py [--C 10] SYNTHETIC.csv REAL.csv   train on synthetic, test on real
    tfidf_baseline.py [--C 10] --cv REAL.csv            5-fold stratified CV on real

CSV files have a header with `text` and `intent` columns (write the synthetic
one with `synthdesk eval DATASET --write-texts synthetic.csv`). Only the real
intents the synthetic set also has are tested, as synthdesk eval does.
Prints accuracy and macro-F1.
"""
import sys

import pandas as pd
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline, make_union


C = 10.0


def model():
    features = make_union(
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True),
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
    )
    return make_pipeline(features, LogisticRegression(C=C, max_iter=2000))


def report(truth, pred):
    print(f"accuracy {accuracy_score(truth, pred):.3f}")
    print(f"macro-F1 {f1_score(truth, pred, average='macro', labels=sorted(set(truth))):.3f}")


def main(args):
    global C
    if args[0] == "--C":
        C, args = float(args[1]), args[2:]
    if args[0] == "--cv":
        real = pd.read_csv(args[1])
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=1)
        report(real.intent, cross_val_predict(model(), real.text, real.intent, cv=folds))
        return
    syn, real = pd.read_csv(args[0]), pd.read_csv(args[1])
    real = real[real.intent.isin(set(syn.intent))]
    syn = syn[syn.intent.isin(set(real.intent))]
    report(real.intent, model().fit(syn.text, syn.intent).predict(real.text))


if __name__ == "__main__":
    main(sys.argv[1:])
