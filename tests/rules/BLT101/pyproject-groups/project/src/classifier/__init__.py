import joblib
from sklearn.svm import SVC


def train(features, labels):
    model = SVC().fit(features, labels)
    joblib.dump(model, "model.joblib")
    return model
