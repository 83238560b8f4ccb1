import DeepClustering
import Foundation

// Usage: read-mnist-timing DIRECTORY [REPEATS]
let arguments = CommandLine.arguments
let directory = arguments.count > 1 ? arguments[1] : "/work/shared/data/mnist"
let repeats = arguments.count > 2 ? max(Int(arguments[2]) ?? 5, 1) : 5

var times = [Double]()
for run in 1...repeats {
    let start = DispatchTime.now().uptimeNanoseconds
    let mnist = try IDXDataset.mnist(directory: directory)
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    times.append(seconds)
    let x = mnist.x
    let sum = x.withUnsafeBufferPointer { $0.reduce(0.0) { $0 + Double($1) } }  // a checksum to compare with numpy
    print(String(format: "run %d: %.3f s  shape %@  labels %d (sum %d)  pixel sum %.6f",
                 run, seconds, "\(x.shape)", mnist.labels?.count ?? 0, mnist.labels?.reduce(0, +) ?? 0, sum))
}
times.sort()
print(String(format: "min %.3f s, median %.3f s over %d runs", times[0], times[times.count / 2], times.count))
