// `retailcast synth`: M5-like synthetic retail data at any scale (tests, examples, benchmarks).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "commands.h"
#include "retailcast/synth/synth.h"

namespace retailcast::cli {
namespace {

struct SynthArgs {
  synth::SynthOptions options;
  std::string start = "2011-01-29";
  std::string freq = "D";
  std::string format = "long";
  std::string output;
  bool exog = false;
  std::vector<std::string> tx_stores;
  int customers = 2000;
  bool states_given = false;
};

Status RunSynth(SynthArgs a) {
  RETAILCAST_ASSIGN_OR_RETURN(a.options.start, ParseDate(a.start, DateFormat::kIso));
  RETAILCAST_ASSIGN_OR_RETURN(a.options.freq, Frequency::Parse(a.freq));
  if (!a.states_given) a.options.states = std::min(a.options.states, a.options.stores);
  int64_t series = static_cast<int64_t>(a.options.stores) * a.options.items_per_store;
  if (a.format == "m5") {
    std::error_code ec;
    std::filesystem::create_directories(a.output, ec);
    if (ec) return Status::IoError("cannot create directory '" + a.output + "': " + ec.message());
    RETAILCAST_RETURN_IF_ERROR(synth::WriteM5Csv(a.options, a.output));
    std::printf("wrote M5 layout for %lld series x %lld days into %s\n",
                static_cast<long long>(series), static_cast<long long>(a.options.periods),
                a.output.c_str());
    return Status::Ok();
  }
  synth::WriteStats stats;
  if (a.format == "transactions") {
    synth::TransactionOptions tx;
    tx.stores = a.tx_stores;
    tx.customers_per_store = a.customers;
    RETAILCAST_ASSIGN_OR_RETURN(stats, synth::WriteTransactionsCsv(a.options, a.output, tx));
  } else {
    synth::LongCsvOptions csv;
    csv.include_exog = a.exog;
    RETAILCAST_ASSIGN_OR_RETURN(stats, synth::WriteLongCsv(a.options, a.output, csv));
  }
  std::printf("wrote %lld rows (%lld series, %.1f MB) to %s\n", static_cast<long long>(stats.rows),
              static_cast<long long>(stats.series), static_cast<double>(stats.bytes) / 1e6,
              a.output.c_str());
  return Status::Ok();
}

}  // namespace

void AddSynthCommand(CLI::App& app, Action* action) {
  auto a = std::make_shared<SynthArgs>();
  auto* cmd = app.add_subcommand(
      "synth",
      "Generate M5-like synthetic sales (seeded, deterministic) as long, transactions or M5 CSV");
  cmd->add_option("--stores", a->options.stores, "Stores")->check(CLI::PositiveNumber);
  auto* states = cmd->add_option("--states", a->options.states,
                                 "States the stores are spread over (default: 3, at most --stores)")
                     ->check(CLI::PositiveNumber);
  cmd->add_option("--items", a->options.items_per_store, "Items per store")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--days,--periods", a->options.periods, "Length of the calendar in periods")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--start", a->start, "First date (ISO)");
  cmd->add_option("--freq", a->freq, "Frequency (D, W-SAT, MS...)");
  cmd->add_option("--seed", a->options.seed, "Random seed");
  cmd->add_option("--intermittent-share", a->options.intermittent_share,
                  "Share of intermittent-demand series")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--late-start-share", a->options.late_start_share,
                  "Share of series that start late")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--promo-share", a->options.promo_share, "Share of promotion weeks")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_flag("--exog", a->exog, "Long format: add price, promo, holiday, temperature columns");
  cmd->add_option("--format", a->format, "long, transactions or m5")
      ->check(CLI::IsMember({"long", "transactions", "m5"}));
  cmd->add_option("--tx-stores", a->tx_stores, "Transactions: stores to split into sale lines")
      ->delimiter(',');
  cmd->add_option("--customers", a->customers, "Transactions: customers per store")
      ->check(CLI::PositiveNumber);
  cmd->add_option("--output,-o", a->output, "Output file (a directory for --format m5)")
      ->required();
  cmd->add_option("--threads", a->options.threads, "Worker threads (default: all cores)");
  cmd->callback([action, a, states] {
    a->states_given = states->count() > 0;
    *action = [a] { return RunSynth(*a); };
  });
}

}  // namespace retailcast::cli
