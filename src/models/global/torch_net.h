// Internal to src/global: the neural networks of mlp and lstm, behind a header without LibTorch
// types, so torch_net.cc is the only translation unit that includes torch/torch.h (about 40 s
// to compile) and the rest of the build stays fast.
//
// Networks (all outputs one value, the scaled target):
//   kMlp   the rows through dense layers `hidden` with ReLU, then a linear output.
//   kLstm  the target window through an LSTM (Hochreiter & Schmidhuber 1997) of rnn_hidden
//   kGru   units (GRU, Cho et al. 2014, for kGru) and rnn_layers layers; its last hidden state
//          joined with the rows goes through the dense layers `hidden` and a linear output.
// Training: Adam (Kingma & Ba 2015) on mini-batches in a seeded order, loss l1 / mse / huber,
// early stopping on the validation rows' loss (the best epoch's weights are kept). CPU only.
//
// Determinism: weights are initialised from the seed, batches are drawn from Rng(seed), and
// every network runs on the thread count it is given (LibTorch's intra-op threads); training
// holds a process-wide lock, because LibTorch's generator and thread settings are global.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "retailcast/core/status.h"

namespace retailcast::models {

enum class NetKind : uint8_t { kMlp, kLstm, kGru };
enum class NetLoss : uint8_t { kL1, kMse, kHuber };

struct NetSpec {
  NetKind kind = NetKind::kMlp;
  size_t inputs = 0;        // row width
  std::vector<int> hidden;  // dense layers
  int rnn_hidden = 32;      // kLstm / kGru
  int rnn_layers = 1;
  int window = 0;  // target window length (kLstm / kGru), > 0
};

struct NetTraining {
  int epochs = 30;
  int batch_size = 256;
  double learning_rate = 1e-3;
  double weight_decay = 0;
  NetLoss loss = NetLoss::kL1;
  int patience = 5;  // epochs without a better validation loss before stopping
  uint64_t seed = 0;
  int threads = 1;
};

class Net {
 public:
  virtual ~Net() = default;
  // A network with weights initialised from `seed`. InvalidArgument for a bad spec.
  static Result<std::unique_ptr<Net>> Create(const NetSpec& spec, uint64_t seed);

  // Rows x (n x inputs, no NaN), windows (n x window, no NaN; null for kMlp), targets y: the
  // first n_fit rows are trained on, the rest are the validation rows. Internal for LibTorch
  // failures (its exceptions are caught here). `weight` (n values, null = all 1) weights each
  // row's loss.
  virtual Status Train(const float* x, const float* windows, const float* y, const float* weight,
                       size_t n_fit, size_t n, const NetTraining& training) = 0;
  // Internal for LibTorch failures.
  virtual Status Predict(const float* x, const float* windows, size_t n, int threads,
                         double* out) const = 0;
  // Every weight, in a fixed order, and back (DataError for a wrong count or a non-finite
  // value).
  virtual std::vector<float> Weights() const = 0;
  virtual Status SetWeights(std::span<const float> weights) = 0;
};

}  // namespace retailcast::models
