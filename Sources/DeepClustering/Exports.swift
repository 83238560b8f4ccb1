// `import DeepClustering` brings in the whole library: the tensor core, the data readers and
// checkpoints, the neural-network layer and the clustering layer on top.
@_exported import DeepClusteringCore
@_exported import DeepClusteringData
@_exported import DeepClusteringNN
