// mlp and lstm: neural networks (torch_net.h, LibTorch) on the feature pipeline's rows.
//   mlp   a feed-forward network, 64-32-1 by default, on the rows (the "simple dense network"
//         of global neural forecasters, e.g. the MLP baselines of Makridakis, Spiliotis &
//         Assimakopoulos 2018 and of the M5 neural entries).
//   lstm  an LSTM (or GRU, cell=gru) reads the window of the last `window` scaled values of the
//         target; its last hidden state, joined with the same rows, goes through a dense layer
//         to the output (a global sequence model in the manner of DeepAR's encoder, Salinas et
//         al. 2020, trained on a point loss).
// Both forecast recursively like gbm (row_model.h) and learn the scaled target y / scale with
// the L1 loss by default (the conditional median, as gbm's default). Inputs are standardised
// with the training rows' mean and standard deviation (missing values become 0, the mean;
// values are clipped to +-kClip standard deviations); categorical codes are left out (their
// target encodings are in the rows). Intervals come from the validation residuals (row_model.h).
// Networks train on `threads` LibTorch threads (1 by default, so results do not depend on the
// machine).
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "retailcast/core/date.h"
#include "retailcast/core/param_table.h"
#include "retailcast/models/global.h"
#include "row_model.h"
#include "torch_net.h"

namespace retailcast::models {
namespace {

constexpr uint64_t kLearnerVersion = 1;
constexpr float kClip = 20;

struct NnOptions {
  NetSpec spec;  // inputs and window filled per fit
  NetTraining training;
  int window = 0;  // lstm: 0 = auto
  std::string name;
};

class NnLearner final : public Learner {
 public:
  NnLearner(std::unique_ptr<Net> net, NetSpec spec, std::vector<uint64_t> columns,
            std::vector<double> mean, std::vector<double> sd, int threads)
      : net_(std::move(net)),
        spec_(std::move(spec)),
        columns_(std::move(columns)),
        mean_(std::move(mean)),
        sd_(std::move(sd)),
        threads_(threads) {}

  // The network's inputs for rows of the pipeline's width.
  static void Transform(const float* x, size_t n, size_t width, const std::vector<uint64_t>& cols,
                        const std::vector<double>& mean, const std::vector<double>& sd,
                        std::vector<float>* out) {
    out->resize(n * cols.size());
    for (size_t r = 0; r < n; ++r) {
      for (size_t c = 0; c < cols.size(); ++c) {
        const float v = x[r * width + cols[c]];
        float z = std::isnan(v) ? 0.0f : static_cast<float>((v - mean[c]) / sd[c]);
        (*out)[r * cols.size() + c] = std::clamp(z, -kClip, kClip);
      }
    }
  }

  static void CleanWindows(const float* w, size_t count, std::vector<float>* out) {
    out->resize(count);
    for (size_t k = 0; k < count; ++k) {
      (*out)[k] = std::isnan(w[k]) ? 0.0f : std::clamp(w[k], -1000.0f, 1000.0f);
    }
  }

  Status Predict(const float* x, const float* windows, size_t n, double* out) const override {
    std::vector<float> in, win;
    Transform(x, n, width_for_predict_, columns_, mean_, sd_, &in);
    if (spec_.window > 0) CleanWindows(windows, n * static_cast<size_t>(spec_.window), &win);
    return net_->Predict(in.data(), spec_.window > 0 ? win.data() : nullptr, n, threads_, out);
  }

  void Save(ByteWriter& out) const override {
    out.PutU64(kLearnerVersion);
    out.PutU64(static_cast<uint64_t>(spec_.kind));
    out.PutU64(spec_.hidden.size());
    for (int h : spec_.hidden) out.PutI64(h);
    out.PutI64(spec_.rnn_hidden);
    out.PutI64(spec_.rnn_layers);
    out.PutI64(spec_.window);
    out.PutU64(columns_.size());
    for (uint64_t c : columns_) out.PutU64(c);
    out.PutDoubles(mean_);
    out.PutDoubles(sd_);
    const std::vector<float> w = net_->Weights();
    out.PutDoubles(std::vector<double>(w.begin(), w.end()));
  }

  void set_width(size_t width) { width_for_predict_ = width; }

 private:
  std::unique_ptr<Net> net_;
  NetSpec spec_;
  std::vector<uint64_t> columns_;  // pipeline columns the network reads
  std::vector<double> mean_, sd_;
  int threads_;
  size_t width_for_predict_ = 0;
};

class NnKind final : public LearnerKind {
 public:
  explicit NnKind(NnOptions o) : o_(std::move(o)) {}

  std::string_view name() const override { return o_.name; }
  int window(const Frequency& freq) const override {
    if (o_.spec.kind == NetKind::kMlp) return 0;
    if (o_.window > 0) return o_.window;
    switch (freq.unit) {
      case FrequencyUnit::kDay:
        return 28;
      case FrequencyUnit::kWeek:
        return 13;
      case FrequencyUnit::kMonth:
        return 12;
      case FrequencyUnit::kQuarter:
        return 8;
      case FrequencyUnit::kYear:
        return 4;
    }
    return 28;
  }

  Result<std::unique_ptr<Learner>> Train(const LearnSet& set, uint64_t seed,
                                         ThreadPool&) const override {
    std::vector<uint64_t> cols;
    for (size_t c = 0; c < set.width; ++c) {
      if (!set.features[c].categorical) cols.push_back(c);
    }
    std::vector<double> mean(cols.size(), 0), sd(cols.size(), 1);
    for (size_t c = 0; c < cols.size(); ++c) {
      double s = 0, ss = 0, k = 0;
      for (size_t r = 0; r < set.n_fit; ++r) {
        const float v = set.x[r * set.width + cols[c]];
        if (std::isnan(v)) continue;
        s += v;
        ss += static_cast<double>(v) * v;
        k += 1;
      }
      if (k > 0) {
        mean[c] = s / k;
        const double var = ss / k - mean[c] * mean[c];
        sd[c] = var > 1e-12 ? std::sqrt(var) : 1.0;
      }
    }
    NetSpec spec = o_.spec;
    spec.inputs = cols.size();
    spec.window = set.window;
    RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<Net> net, Net::Create(spec, seed));
    std::vector<float> in, win;
    NnLearner::Transform(set.x, set.n, set.width, cols, mean, sd, &in);
    if (spec.window > 0) {
      NnLearner::CleanWindows(set.windows, set.n * static_cast<size_t>(spec.window), &win);
    }
    NetTraining t = o_.training;
    t.seed = seed;
    RETAILCAST_RETURN_IF_ERROR(net->Train(in.data(), spec.window > 0 ? win.data() : nullptr, set.y,
                                          set.weight, set.n_fit, set.n, t));
    auto learner = std::make_unique<NnLearner>(std::move(net), spec, std::move(cols),
                                               std::move(mean), std::move(sd), t.threads);
    learner->set_width(set.width);
    return std::unique_ptr<Learner>(std::move(learner));
  }

  Result<std::unique_ptr<Learner>> Load(ByteReader& in, size_t width,
                                        int expected_window) const override {
    auto bad = [&](const std::string& what) {
      return Status::DataError("saved " + o_.name + " network is corrupt: " + what);
    };
    uint64_t version = 0, kind = 0, n_hidden = 0, n_cols = 0;
    RETAILCAST_RETURN_IF_ERROR(in.GetU64(&version));
    if (version != kLearnerVersion) return bad("version");
    RETAILCAST_RETURN_IF_ERROR(in.GetU64(&kind));
    if (kind != static_cast<uint64_t>(o_.spec.kind)) return bad("network kind");
    NetSpec spec;
    spec.kind = o_.spec.kind;
    RETAILCAST_RETURN_IF_ERROR(in.GetU64(&n_hidden));
    if (n_hidden > 16) return bad("layers");
    for (uint64_t k = 0; k < n_hidden; ++k) {
      int64_t h = 0;
      RETAILCAST_RETURN_IF_ERROR(in.GetI64(&h));
      if (h < 1 || h > 4096) return bad("layer width");
      spec.hidden.push_back(static_cast<int>(h));
    }
    int64_t rnn_hidden = 0, rnn_layers = 0, window = 0;
    RETAILCAST_RETURN_IF_ERROR(in.GetI64(&rnn_hidden));
    RETAILCAST_RETURN_IF_ERROR(in.GetI64(&rnn_layers));
    RETAILCAST_RETURN_IF_ERROR(in.GetI64(&window));
    if (rnn_hidden < 1 || rnn_hidden > 4096 || rnn_layers < 1 || rnn_layers > 16 || window < 0 ||
        window > 10000 || (spec.kind != NetKind::kMlp && window != expected_window) ||
        (spec.kind == NetKind::kMlp && window != 0)) {
      return bad("recurrent layer");
    }
    spec.rnn_hidden = static_cast<int>(rnn_hidden);
    spec.rnn_layers = static_cast<int>(rnn_layers);
    spec.window = static_cast<int>(window);
    RETAILCAST_RETURN_IF_ERROR(in.GetU64(&n_cols));
    if (n_cols > width) return bad("input count");
    std::vector<uint64_t> cols(n_cols);
    for (auto& c : cols) {
      RETAILCAST_RETURN_IF_ERROR(in.GetU64(&c));
      if (c >= width) return bad("input column");
    }
    std::vector<double> mean, sd, weights;
    RETAILCAST_RETURN_IF_ERROR(in.GetDoubles(&mean));
    RETAILCAST_RETURN_IF_ERROR(in.GetDoubles(&sd));
    RETAILCAST_RETURN_IF_ERROR(in.GetDoubles(&weights));
    if (mean.size() != n_cols || sd.size() != n_cols) return bad("standardisation");
    for (double s : sd) {
      if (!(s > 0) || !std::isfinite(s)) return bad("standardisation");
    }
    spec.inputs = n_cols;
    if (spec.kind == NetKind::kMlp && n_cols == 0) return bad("input count");
    RETAILCAST_ASSIGN_OR_RETURN(std::unique_ptr<Net> net, Net::Create(spec, 0));
    std::vector<float> w(weights.begin(), weights.end());
    RETAILCAST_RETURN_IF_ERROR(net->SetWeights(w));
    auto learner = std::make_unique<NnLearner>(std::move(net), spec, std::move(cols),
                                               std::move(mean), std::move(sd), o_.training.threads);
    learner->set_width(width);
    return std::unique_ptr<Learner>(std::move(learner));
  }

 private:
  NnOptions o_;
};

// Training rows shared by mlp and lstm; NetTraining's defaults are mlp's.
const ParamTable<NetTraining>& TrainingTable() {
  using T = NetTraining;
  static const ParamTable<T> table =
      ParamTable<T>()
          .Int("epochs", &T::epochs, 1, 10000, "most passes over the training rows")
          .Int("batch_size", &T::batch_size, 1, 1000000, "rows per Adam step")
          .Double("learning_rate", &T::learning_rate, 1e-7, 1, "Adam step size")
          .Double("weight_decay", &T::weight_decay, 0, 1, "L2 penalty on the weights")
          .Choice("loss", &T::loss,
                  {{"l1", NetLoss::kL1}, {"mse", NetLoss::kMse}, {"huber", NetLoss::kHuber}},
                  "training loss on the scaled target: l1 (median; MAE/MASE), mse (mean), huber")
          .Int("patience", &T::patience, 1, 10000,
               "epochs without a better validation loss before training stops");
  return table;
}

// mlp's parameters (MlpTable).
struct MlpParams {
  std::string hidden = "64 32";  // widths of the dense layers (ParseWidths)
  NetTraining training;
  RowModelOptions row = RowOptionsWithMaxRows(300'000);
};

// The recurrent layer costs about 0.3 ms per row and epoch on one core here (window 28,
// 32 units), so lstm's defaults (8 epochs of at most 50,000 rows) keep training near 3 minutes;
// on the M5 subset they already beat seasonal naive clearly (docs/accuracy.md).
NetTraining LstmTraining() {
  NetTraining t;
  t.epochs = 8;
  t.patience = 4;
  return t;
}

// lstm's parameters (LstmTable).
struct LstmParams {
  NetKind cell = NetKind::kLstm;
  int units = 32;             // of each recurrent layer
  int layers = 1;             // recurrent layers
  int window = 0;             // target periods the recurrent layer reads; 0 = auto
  std::string hidden = "32";  // widths of the dense layers after it (ParseWidths)
  NetTraining training = LstmTraining();
  RowModelOptions row = RowOptionsWithMaxRows(50'000);
};

const ParamTable<MlpParams>& MlpTable() {
  static const ParamTable<MlpParams> table =
      ParamTable<MlpParams>()
          .String("hidden", &MlpParams::hidden,
                  "widths of the hidden dense layers (ReLU), space-separated")
          .Nested(&MlpParams::training, TrainingTable())
          .Nested(&MlpParams::row, RowModelTable());
  return table;
}

const ParamTable<LstmParams>& LstmTable() {
  static const ParamTable<LstmParams> table =
      ParamTable<LstmParams>()
          .Choice("cell", &LstmParams::cell, {{"lstm", NetKind::kLstm}, {"gru", NetKind::kGru}},
                  "recurrent cell")
          .Int("units", &LstmParams::units, 1, 4096, "units of each recurrent layer")
          .Int("layers", &LstmParams::layers, 1, 16, "recurrent layers")
          .Int("window", &LstmParams::window, 0, 10000,
               "periods of the target the recurrent layer reads; 0 = auto (daily 28, weekly 13, "
               "monthly 12)")
          .String("hidden", &LstmParams::hidden,
                  "widths of the dense layers after the recurrent one, space-separated")
          .Nested(&LstmParams::training, TrainingTable())
          .Nested(&LstmParams::row, RowModelTable());
  return table;
}

Result<std::vector<int>> ParseWidths(const std::string& text, const char* key) {
  std::vector<int> out;
  std::string cur;
  for (size_t k = 0; k <= text.size(); ++k) {
    const char c = k < text.size() ? text[k] : ' ';
    if (c != ' ' && c != ';') {
      cur += c;
      continue;
    }
    if (cur.empty()) continue;
    char* end = nullptr;
    const long v = std::strtol(cur.c_str(), &end, 10);
    if (end != cur.c_str() + cur.size() || v < 1 || v > 4096) {
      return Status::InvalidArgument(std::string(key) + "='" + text +
                                     "' is not a list of layer widths in 1..4096, e.g. '64 32'");
    }
    out.push_back(static_cast<int>(v));
    cur.clear();
  }
  if (out.size() > 16) {
    return Status::InvalidArgument(std::string(key) + " has more than 16 layers");
  }
  return out;
}

// The options both networks share: `training` with the row options' threads.
NnOptions TrainingOptions(NetTraining training, const RowModelOptions& row) {
  NnOptions o;
  o.training = std::move(training);
  o.training.threads = row.threads > 0 ? row.threads : 1;
  return o;
}

}  // namespace

const ParamTableBase& MlpParamTable() { return MlpTable(); }
const ParamTableBase& LstmParamTable() { return LstmTable(); }

Result<std::unique_ptr<GlobalEstimator>> MakeMlp(const ParamValues& params) {
  MlpParams p = MlpTable().Bind(params);
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<double> levels, CheckRowModelOptions(p.row, kMlpName));
  NnOptions o = TrainingOptions(p.training, p.row);
  o.name = std::string(kMlpName);
  o.spec.kind = NetKind::kMlp;
  RETAILCAST_ASSIGN_OR_RETURN(o.spec.hidden, ParseWidths(p.hidden, "hidden"));
  if (o.spec.hidden.empty()) {
    return Status::InvalidArgument("model 'mlp': hidden needs at least one layer, e.g. '64 32'");
  }
  return std::unique_ptr<GlobalEstimator>(std::make_unique<RowModelEstimator>(
      std::make_shared<NnKind>(std::move(o)), std::move(p.row), std::move(levels)));
}

Result<std::unique_ptr<GlobalEstimator>> MakeLstm(const ParamValues& params) {
  LstmParams p = LstmTable().Bind(params);
  RETAILCAST_ASSIGN_OR_RETURN(std::vector<double> levels, CheckRowModelOptions(p.row, kLstmName));
  NnOptions o = TrainingOptions(p.training, p.row);
  o.name = std::string(kLstmName);
  o.spec.kind = p.cell;
  o.spec.rnn_hidden = p.units;
  o.spec.rnn_layers = p.layers;
  RETAILCAST_ASSIGN_OR_RETURN(o.spec.hidden, ParseWidths(p.hidden, "hidden"));
  o.window = p.window;
  return std::unique_ptr<GlobalEstimator>(std::make_unique<RowModelEstimator>(
      std::make_shared<NnKind>(std::move(o)), std::move(p.row), std::move(levels)));
}

}  // namespace retailcast::models
