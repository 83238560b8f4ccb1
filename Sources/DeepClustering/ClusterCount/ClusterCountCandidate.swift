/// One candidate number of clusters tried by ``chooseClusterCount(for:in:kmeansInitializationCount:silhouetteSampleSize:seed:progress:)``:
/// its k-means fit's silhouette and inertia and how long each took.
public struct ClusterCountCandidate: Sendable, Equatable {
    /// The number of clusters `k`.
    public var clusterCount: Int
    /// The mean silhouette of the k-means labels (on the sampled rows when sampling).
    public var silhouette: Double
    /// The k-means inertia (sum of squared distances to the nearest centre) on all rows.
    public var inertia: Double
    /// Wall-clock seconds of the k-means fit (all restarts).
    public var kmeansSeconds: Double
    /// Wall-clock seconds of the silhouette.
    public var silhouetteSeconds: Double

    /// Creates a candidate record.
    public init(clusterCount: Int, silhouette: Double, inertia: Double, kmeansSeconds: Double, silhouetteSeconds: Double) {
        self.clusterCount = clusterCount
        self.silhouette = silhouette
        self.inertia = inertia
        self.kmeansSeconds = kmeansSeconds
        self.silhouetteSeconds = silhouetteSeconds
    }
}
