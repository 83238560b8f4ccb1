import DeepClustering
import Foundation
import Testing

@Suite struct LossWeightScheduleTests {
    @Test func schedulesByHand() throws {
        let constant = LossWeightSchedule.constant(0.1)
        #expect([0, 1, 1000].map { constant.weight(atIteration: $0) } == [0.1, 0.1, 0.1])

        let step = LossWeightSchedule.step(atIteration: 3, from: 0, to: 2)
        #expect((0..<6).map { step.weight(atIteration: $0) } == [0, 0, 0, 2, 2, 2])

        let ramp = LossWeightSchedule.linearRamp(from: 1, to: 3, startingAt: 2, over: 4)
        #expect((0..<9).map { ramp.weight(atIteration: $0) } == [1, 1, 1, 1.5, 2, 2.5, 3, 3, 3])
        let downward = LossWeightSchedule.linearRamp(from: 1, to: 0, over: 2)
        #expect((0..<4).map { downward.weight(atIteration: $0) } == [1, 0.5, 0, 0])
        let instant = LossWeightSchedule.linearRamp(from: 0, to: 1, startingAt: 2, over: 0)
        #expect((0..<4).map { instant.weight(atIteration: $0) } == [0, 0, 1, 1])

        #expect(LossWeightSchedule.constant(0).isAlwaysZero && !step.isAlwaysZero)
        #expect(throws: DECError.self) { try LossWeightSchedule.constant(-1).validate() }
        #expect(throws: DECError.self) { try LossWeightSchedule.constant(.nan).validate() }
        #expect(throws: DECError.self) { try LossWeightSchedule.step(atIteration: -1, from: 0, to: 1).validate() }
        #expect(throws: DECError.self) { try LossWeightSchedule.linearRamp(from: 0, to: 1, over: -5).validate() }
        try ramp.validate()
    }

    @Test func objectivesValidateAndRoundTripThroughJSON() throws {
        let objective = ClusteringObjective.idec(clusteringWeight: 0.1)
            .adding(.clusterBalance(prior: .zipf(exponent: 1)), weight: .linearRamp(from: 0, to: 1, over: 100))
            .adding(.kMeans, weight: .step(atIteration: 50, from: 0, to: 0.5))
            .adding(.localityPreservation(neighborCount: 5), weight: .constant(0.01))
        #expect(objective.terms.map(\.loss.name) == ["kld", "reconstruction", "balance", "kmeans", "locality"])
        #expect(objective.usesReconstruction && objective.localityNeighborCount == 5)
        try objective.validate(clusterCount: 4)
        let decoded = try JSONDecoder().decode(ClusteringObjective.self, from: JSONEncoder().encode(objective))
        #expect(decoded == objective)
        // Replacing a term's weight keeps one entry per kind.
        #expect(objective.adding(.kMeans, weight: .constant(1)).terms.count == 5)
        #expect(ClusteringObjective(mode: .dec) == .dec && ClusteringObjective(mode: .idecDefault) == .idec(clusteringWeight: 0.1))

        var duplicated = ClusteringObjective.dec
        duplicated.terms.append(.init(.targetDivergence, weight: .constant(1)))
        #expect(throws: DECError.self) { try duplicated.validate(clusterCount: 3) }
        #expect(throws: DECError.self) { try ClusteringObjective(terms: []).validate(clusterCount: 3) }
        #expect(throws: DECError.self) {
            try ClusteringObjective.dec.adding(.clusterBalance(prior: .proportions([1, 2])), weight: .constant(1)).validate(clusterCount: 3)
        }
        #expect(throws: DECError.self) {
            try ClusteringObjective.dec.adding(.localityPreservation(neighborCount: 0), weight: .constant(1)).validate(clusterCount: 3)
        }
    }

    /// A configuration saved before objectives existed (no `objective` key) still loads, as DEC.
    @Test func configurationsWithoutAnObjectiveStillDecode() throws {
        var config = DECConfiguration(clusterCount: 4, mode: .idecDefault)
        config.batchSize = 32
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(config)) as! [String: Any]
        json.removeValue(forKey: "objective")
        let old = try JSONSerialization.data(withJSONObject: json)
        let decoded = try JSONDecoder().decode(DECConfiguration.self, from: old)
        #expect(decoded == config && decoded.objective == nil)
        #expect(decoded.resolvedObjective == .idec(clusteringWeight: 0.1))
        config.objective = .dec.adding(.kMeans, weight: .constant(0.1))
        #expect(try JSONDecoder().decode(DECConfiguration.self, from: JSONEncoder().encode(config)) == config)
    }
}
