// The LibTorch networks of torch_net.h: the one translation unit that includes torch/torch.h.
#include "torch_net.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <string>

#include "retailcast/core/rng.h"

namespace retailcast::models {
namespace {

// LibTorch's default generator and thread count are process-wide.
std::mutex& TorchLock() {
  static std::mutex mu;
  return mu;
}

class Module : public torch::nn::Module {
 public:
  explicit Module(const NetSpec& s) : spec_(s) {
    int64_t in = static_cast<int64_t>(s.inputs);
    if (s.kind == NetKind::kLstm) {
      lstm_ = register_module(
          "lstm",
          torch::nn::LSTM(
              torch::nn::LSTMOptions(1, s.rnn_hidden).num_layers(s.rnn_layers).batch_first(true)));
      in += s.rnn_hidden;
    } else if (s.kind == NetKind::kGru) {
      gru_ = register_module(
          "gru",
          torch::nn::GRU(
              torch::nn::GRUOptions(1, s.rnn_hidden).num_layers(s.rnn_layers).batch_first(true)));
      in += s.rnn_hidden;
    }
    for (size_t k = 0; k < s.hidden.size(); ++k) {
      dense_.push_back(
          register_module("dense" + std::to_string(k), torch::nn::Linear(in, s.hidden[k])));
      in = s.hidden[k];
    }
    out_ = register_module("out", torch::nn::Linear(in, 1));
  }

  torch::Tensor Forward(const torch::Tensor& x, const torch::Tensor& windows) {
    torch::Tensor h = x;
    if (spec_.kind != NetKind::kMlp) {
      torch::Tensor seq = windows.unsqueeze(2);  // batch x window x 1
      torch::Tensor last;
      if (spec_.kind == NetKind::kLstm) {
        auto [outputs, state] = lstm_->forward(seq);
        last = outputs.select(1, spec_.window - 1);
      } else {
        auto [outputs, state] = gru_->forward(seq);
        last = outputs.select(1, spec_.window - 1);
      }
      h = torch::cat({x, last}, 1);
    }
    for (auto& d : dense_) h = torch::relu(d->forward(h));
    return out_->forward(h).squeeze(1);
  }

 private:
  NetSpec spec_;
  torch::nn::LSTM lstm_{nullptr};
  torch::nn::GRU gru_{nullptr};
  std::vector<torch::nn::Linear> dense_;
  torch::nn::Linear out_{nullptr};
};

// The mean loss of a batch, each row's loss times its weight when `w` is defined.
torch::Tensor Loss(const torch::Tensor& pred, const torch::Tensor& y, const torch::Tensor& w,
                   NetLoss loss) {
  const auto none = torch::Reduction::None;
  torch::Tensor each;
  switch (loss) {
    case NetLoss::kL1:
      each = torch::l1_loss(pred, y, none);
      break;
    case NetLoss::kMse:
      each = torch::mse_loss(pred, y, none);
      break;
    case NetLoss::kHuber:
      each = torch::smooth_l1_loss(pred, y, none);
      break;
  }
  return w.defined() ? (each * w).sum() / w.sum() : each.mean();
}

class TorchNet final : public Net {
 public:
  explicit TorchNet(const NetSpec& s) : spec_(s), module_(std::make_shared<Module>(s)) {}

  Status Train(const float* x, const float* windows, const float* y, const float* weight,
               size_t n_fit, size_t n, const NetTraining& t) override {
    try {
      std::lock_guard<std::mutex> lock(TorchLock());
      torch::set_num_threads(std::max(1, t.threads));
      torch::manual_seed(static_cast<uint64_t>(t.seed));
      const int64_t w = static_cast<int64_t>(spec_.inputs);
      const int64_t win = spec_.window;
      const bool rnn = spec_.kind != NetKind::kMlp;
      // Views of the caller's arrays (no copies); batches are gathered from them.
      auto all_x = torch::from_blob(const_cast<float*>(x), {static_cast<int64_t>(n), w});
      auto all_y = torch::from_blob(const_cast<float*>(y), {static_cast<int64_t>(n)});
      const torch::Tensor all_weight =
          weight != nullptr
              ? torch::from_blob(const_cast<float*>(weight), {static_cast<int64_t>(n)})
              : torch::Tensor();
      torch::Tensor all_w =
          rnn ? torch::from_blob(const_cast<float*>(windows), {static_cast<int64_t>(n), win})
              : torch::Tensor();
      torch::optim::Adam opt(
          module_->parameters(),
          torch::optim::AdamOptions(t.learning_rate).weight_decay(t.weight_decay));
      Rng rng(t.seed);
      std::vector<int64_t> order(n_fit);
      for (size_t r = 0; r < n_fit; ++r) order[r] = static_cast<int64_t>(r);
      const bool has_valid = n > n_fit;
      double best = std::numeric_limits<double>::infinity();
      std::vector<float> best_weights = Weights();
      int since_best = 0;
      for (int epoch = 0; epoch < t.epochs; ++epoch) {
        // Fisher-Yates shuffle from the seeded generator.
        for (size_t r = n_fit; r > 1; --r) std::swap(order[r - 1], order[rng.Below(r)]);
        module_->train();
        for (size_t b = 0; b < n_fit; b += static_cast<size_t>(t.batch_size)) {
          const size_t e = std::min(n_fit, b + static_cast<size_t>(t.batch_size));
          auto idx =
              torch::from_blob(order.data() + b, {static_cast<int64_t>(e - b)}, torch::kLong);
          auto bx = all_x.index_select(0, idx);
          auto by = all_y.index_select(0, idx);
          auto bw = rnn ? all_w.index_select(0, idx) : torch::Tensor();
          auto bweight = all_weight.defined() ? all_weight.index_select(0, idx) : torch::Tensor();
          opt.zero_grad();
          auto loss = Loss(module_->Forward(bx, bw), by, bweight, t.loss);
          loss.backward();
          opt.step();
        }
        if (!has_valid) continue;
        torch::NoGradGuard no_grad;
        module_->eval();
        const int64_t nv = static_cast<int64_t>(n - n_fit);
        auto vx = all_x.narrow(0, static_cast<int64_t>(n_fit), nv);
        auto vw = rnn ? all_w.narrow(0, static_cast<int64_t>(n_fit), nv) : torch::Tensor();
        auto vy = all_y.narrow(0, static_cast<int64_t>(n_fit), nv);
        auto vweight = all_weight.defined() ? all_weight.narrow(0, static_cast<int64_t>(n_fit), nv)
                                            : torch::Tensor();
        const double v = Loss(module_->Forward(vx, vw), vy, vweight, t.loss).item<double>();
        if (v < best) {
          best = v;
          best_weights = Weights();
          since_best = 0;
        } else if (++since_best >= t.patience) {
          break;
        }
      }
      if (has_valid) return SetWeights(best_weights);
      return Status::Ok();
    } catch (const std::exception& e) {
      return Status::Internal(std::string("LibTorch training failed: ") + e.what());
    }
  }

  Status Predict(const float* x, const float* windows, size_t n, int threads,
                 double* out) const override {
    if (n == 0) return Status::Ok();
    try {
      std::lock_guard<std::mutex> lock(TorchLock());
      torch::set_num_threads(std::max(1, threads));
      torch::NoGradGuard no_grad;
      module_->eval();
      auto tx = torch::from_blob(const_cast<float*>(x),
                                 {static_cast<int64_t>(n), static_cast<int64_t>(spec_.inputs)});
      torch::Tensor tw =
          spec_.kind != NetKind::kMlp
              ? torch::from_blob(const_cast<float*>(windows),
                                 {static_cast<int64_t>(n), static_cast<int64_t>(spec_.window)})
              : torch::Tensor();
      auto p = module_->Forward(tx, tw).contiguous();
      const float* v = p.data_ptr<float>();
      for (size_t r = 0; r < n; ++r) out[r] = v[r];
      return Status::Ok();
    } catch (const std::exception& e) {
      return Status::Internal(std::string("LibTorch prediction failed: ") + e.what());
    }
  }

  std::vector<float> Weights() const override {
    std::vector<float> w;
    for (const auto& p : module_->parameters()) {
      auto c = p.detach().contiguous();
      const float* d = c.data_ptr<float>();
      w.insert(w.end(), d, d + c.numel());
    }
    return w;
  }

  Status SetWeights(std::span<const float> weights) override {
    size_t total = 0;
    for (const auto& p : module_->parameters()) total += static_cast<size_t>(p.numel());
    if (total != weights.size()) {
      return Status::DataError("network has " + std::to_string(total) + " weights, the state " +
                               std::to_string(weights.size()));
    }
    for (float v : weights) {
      if (!std::isfinite(v)) return Status::DataError("network state holds a non-finite weight");
    }
    torch::NoGradGuard no_grad;
    size_t at = 0;
    for (auto& p : module_->parameters()) {
      const size_t k = static_cast<size_t>(p.numel());
      std::memcpy(p.data_ptr<float>(), weights.data() + at, k * sizeof(float));
      at += k;
    }
    return Status::Ok();
  }

 private:
  NetSpec spec_;
  std::shared_ptr<Module> module_;
};

}  // namespace

Result<std::unique_ptr<Net>> Net::Create(const NetSpec& spec, uint64_t seed) {
  if (spec.inputs == 0 && spec.kind == NetKind::kMlp) {
    return Status::InvalidArgument("a network needs at least one input");
  }
  if (spec.kind != NetKind::kMlp &&
      (spec.window < 1 || spec.rnn_hidden < 1 || spec.rnn_layers < 1)) {
    return Status::InvalidArgument("a recurrent network needs a window, units and layers >= 1");
  }
  try {
    std::lock_guard<std::mutex> lock(TorchLock());
    torch::manual_seed(seed);
    return std::unique_ptr<Net>(std::make_unique<TorchNet>(spec));
  } catch (const std::exception& e) {
    return Status::Internal(std::string("LibTorch network creation failed: ") + e.what());
  }
}

}  // namespace retailcast::models
