// The value of `dec train --seeds`: a range `A...B` or a list `A,B,C`.

import ArgumentParser
import Foundation

/// Seeds to run one after another.
struct SeedList: ExpressibleByArgument {
    /// The seeds, in the order given.
    let values: [UInt64]

    /// Parses `A...B` (both included), `A..<B` or `A,B,C` (a single seed is a list of one).
    init?(argument: String) {
        let text = argument.trimmingCharacters(in: .whitespaces)
        for (separator, closed) in [("...", true), ("..<", false)] {
            let bounds = text.components(separatedBy: separator)
            guard bounds.count == 2 else { continue }
            guard let low = UInt64(bounds[0]), let high = UInt64(bounds[1]), closed ? low <= high : low < high,
                  high - low < 10_000 else { return nil }
            values = Array(low...(closed ? high : high - 1))
            return
        }
        let list = text.split(separator: ",", omittingEmptySubsequences: false).map { UInt64($0.trimmingCharacters(in: .whitespaces)) }
        guard !list.isEmpty, list.allSatisfy({ $0 != nil }), Set(list).count == list.count else { return nil }
        values = list.map { $0! }
    }

    static var defaultValueDescription: String { "A...B or A,B,C" }
}
