/// Progress reported by ``Layer/fit(_:targets:epochs:batchSize:optimizer:shuffleSeed:augmentation:precision:progress:)``:
/// once per batch (enough to draw a progress bar) and once per epoch. Numbers are 1-based, as
/// Keras prints them ("Epoch 3/300").
public enum TrainingEvent: Sendable, Equatable {
    /// A batch finished with the given mean loss over its samples.
    case batchEnded(epoch: Int, batch: Int, batchCount: Int, loss: Float)
    /// An epoch finished with the given mean loss over all its samples (batches weighted by
    /// their size, as Keras reports it).
    case epochEnded(epoch: Int, epochCount: Int, loss: Float)
}

/// Errors raised while training.
public enum TrainingError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The loss became NaN or infinite; the parameters keep the values from before this batch.
    case nonFiniteLoss(epoch: Int, batch: Int, value: Float)
    /// The inputs and targets do not fit together, or a setting is invalid.
    case invalidArgument(message: String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case let .nonFiniteLoss(epoch, batch, value):
            return "training diverged: loss is \(value) at epoch \(epoch), batch \(batch) "
                + "(parameters kept from the previous batch; try a smaller learning rate)"
        case let .invalidArgument(message):
            return "training: \(message)"
        }
    }
}

/// Throws when a loss value is NaN or infinite.
/// - Parameters:
///   - loss: The loss value just computed.
///   - epoch: The 1-based epoch, for the message.
///   - batch: The 1-based batch within the epoch, for the message.
/// - Throws: ``TrainingError/nonFiniteLoss(epoch:batch:value:)`` when `loss` is not finite.
public func checkFinite(_ loss: Float, epoch: Int, batch: Int) throws {
    guard loss.isFinite else { throw TrainingError.nonFiniteLoss(epoch: epoch, batch: batch, value: loss) }
}
