import ArgumentParser
import DeepClustering

/// `--scale auto|none|minmax|standard|unit-norm`, shared by `dec` and `kmeans`.
extension FeatureScaling: ExpressibleByArgument {}
