// Data read from the command line, checked against a model before it is assigned.

import DeepClustering
import ExampleSupport

extension DeepClusteringModel {
    /// `dataset`'s samples prepared for the network (``prepare(_:source:)``), after checking
    /// that images have the shape the model was trained on.
    /// - Throws: ``ExampleError`` naming `source` for images of another shape; the errors of
    ///   ``prepare(_:source:)`` for samples of another width.
    func prepare(_ dataset: LabeledDataset, imageShape: ImageShape?, source: String) throws -> Tensor {
        if let imageShape, let expected = self.imageShape, imageShape != expected {
            throw ExampleError("\(source): the model was trained on \(expected) images, the data are \(imageShape) images")
        }
        return try prepare(dataset.x, source: source)
    }
}
