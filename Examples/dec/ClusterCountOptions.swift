import ArgumentParser
import DeepClustering
import ExampleSupport

/// `--clusters`: a fixed number of clusters, or `auto` to choose it by silhouette.
enum ClusterCountArgument: ExpressibleByArgument, Equatable {
    case fixed(Int)
    case automatic

    init?(argument: String) {
        if argument == "auto" {
            self = .automatic
        } else if let k = Int(argument) {
            self = .fixed(k)
        } else {
            return nil
        }
    }

    var defaultValueDescription: String {
        switch self {
        case let .fixed(k): return "\(k)"
        case .automatic: return "auto"
        }
    }

    /// The fixed count, or `nil` for `auto`.
    var fixedCount: Int? {
        if case let .fixed(k) = self { return k }
        return nil
    }
}

/// Where `--clusters auto` measures the silhouette.
enum ClusterSearchSpace: String, ExpressibleByArgument, CaseIterable {
    /// k-means and the silhouette on a 2-D t-SNE map of a sample of the embedding (N2D's idea).
    case map
    /// k-means on the whole embedding, the silhouette on a sample of it.
    case embedding
}

/// How `--clusters auto` searches: where, the candidate range, the samples and the k-means
/// restarts per candidate.
struct ClusterCountOptions: ParsableArguments {
    @Option(name: .customLong("cluster-search"),
            help: "Where --clusters auto scores k: map (k-means and silhouette on a t-SNE map of a sample of the pretrained embedding) or embedding (on the embedding itself).")
    var space: ClusterSearchSpace = .map

    @Option(help: "Rows of the embedding in the t-SNE map of --cluster-search map (seeded sample; exact t-SNE, quadratic cost).")
    var searchMapSample: Int = 5_000

    @Option(help: "Candidate cluster counts for --clusters auto, as LOW...HIGH (LOW ≥ 2).")
    var clustersRange: String = "2...20"

    @Option(help: "Rows scored by the silhouette for --cluster-search embedding (0 = all rows; the cost is quadratic).")
    var silhouetteSample: Int = 10_000

    @Option(help: "k-means restarts per candidate for --clusters auto.")
    var silhouetteKmeansInit: Int = 10

    func validate() throws {
        _ = try range()
        guard silhouetteSample == 0 || silhouetteSample >= 3 else {
            throw ValidationError("--silhouette-sample must be 0 (all rows) or at least 3, found \(silhouetteSample)")
        }
        guard searchMapSample >= 3 else {
            throw ValidationError("--search-map-sample must be at least 3, found \(searchMapSample)")
        }
        guard silhouetteKmeansInit >= 1 else {
            throw ValidationError("--silhouette-kmeans-init must be at least 1, found \(silhouetteKmeansInit)")
        }
    }

    /// The parsed `--clusters-range`.
    func range() throws -> ClosedRange<Int> {
        let parts = clustersRange.components(separatedBy: "...")
        guard parts.count == 2, let low = Int(parts[0]), let high = Int(parts[1]), low >= 2, low <= high else {
            throw ValidationError("--clusters-range must be LOW...HIGH with 2 ≤ LOW ≤ HIGH, found \(clustersRange)")
        }
        return low...high
    }

    /// The number of clusters to use: `clusters` when fixed, otherwise the silhouette choice on
    /// `embedding` (required then), printing one line per candidate and the choice.
    func resolve(_ clusters: ClusterCountArgument, embedding: Tensor?, seed: UInt64) throws -> Int {
        if let k = clusters.fixedCount { return k }
        guard let z = embedding else { throw ExampleError("--clusters auto needs the pretrained embedding") }
        let range = try range()
        let report = { (c: ClusterCountCandidate) in
            say(String(format: "k=%d silhouette=%.4f inertia=%.1f kmeans_s=%.2f silhouette_s=%.2f",
                       c.clusterCount, c.silhouette, c.inertia, c.kmeansSeconds, c.silhouetteSeconds))
        }
        let selection: ClusterCountSelection
        var seconds = 0.0
        switch space {
        case .map:
            let m = min(searchMapSample, z.shape[0])
            say("choosing k in \(range.lowerBound)...\(range.upperBound) by silhouette on a t-SNE map of \(m) rows "
                  + "(k-means n_init=\(silhouetteKmeansInit))")
            let search = try chooseClusterCount(
                onMapOf: z, in: range, sampleSize: searchMapSample, kmeansInitializationCount: silhouetteKmeansInit,
                seed: seed, progress: report)
            say(String(format: "map rows=%d tsne_s=%.1f", m, search.mapSeconds))
            selection = search.selection
            seconds = search.mapSeconds
        case .embedding:
            say("choosing k in \(range.lowerBound)...\(range.upperBound) by silhouette on the embedding "
                  + "(k-means n_init=\(silhouetteKmeansInit), sample=\(silhouetteSample == 0 ? z.shape[0] : min(silhouetteSample, z.shape[0])))")
            selection = try chooseClusterCount(
                for: z, in: range, kmeansInitializationCount: silhouetteKmeansInit,
                silhouetteSampleSize: silhouetteSample == 0 ? nil : silhouetteSample, seed: seed, progress: report)
        }
        seconds += selection.candidates.reduce(0) { $0 + $1.kmeansSeconds + $1.silhouetteSeconds }
        say(String(format: "chose k=%d silhouette=%.4f seconds=%.1f", selection.clusterCount, selection.best.silhouette, seconds))
        return selection.clusterCount
    }
}
