#!/usr/bin/Rscript
# Prints the golden forecasts of theta_test.cc and intermittent_test.cc (R 4.2.2, forecast 8.20)
# as C++ rows. Usage:
#   Rscript tests/models/r_golden_theta.R /work/shared/peers/data/walmart_store.csv \
#       /work/shared/peers/data/m5_subset_long.csv
suppressPackageStartupMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
walmart <- read.csv(args[1])
m5 <- read.csv(args[2])
num <- function(v) paste(ifelse(is.na(v), "kNaN", sprintf("%.17g", as.numeric(v))), collapse = ", ")
emit_theta <- function(series, fc) {
  cat(sprintf('    {"%s",\n     {%s},\n     {%s},\n     {%s},\n     {%s},\n     {%s},\n     {%s}},\n',
              series, num(fc$mean), num(fc$lower[, 1]), num(fc$upper[, 1]),
              num(fc$lower[, 2]), num(fc$upper[, 2]), num(fc$fitted)))
}
series_of <- function(d, id, n) {
  d <- d[d$unique_id == id, ]
  d <- d[order(d$ds), ]
  head(d$y, n)
}
cat("// thetaf(y, h, level = c(80, 95)): mean, lo80, hi80, lo95, hi95, fitted\n")
for (id in c("store_01", "store_02")) {
  emit_theta(id, thetaf(ts(series_of(walmart, id, 130), frequency = 52), h = 13))
}
emit_theta("AirPassengers", thetaf(AirPassengers, h = 12))
emit_theta("USAccDeaths", thetaf(USAccDeaths, h = 12))
emit_theta("Nile", thetaf(Nile, h = 10))
emit_theta("short5", thetaf(ts(c(3, 5, 4, 6, 7)), h = 3))
emit_theta("FOODS_3_080_CA_3", thetaf(ts(series_of(m5, "FOODS_3_080_CA_3_validation", 400),
                                         frequency = 7), h = 14))
cat("// croston(y, h = 5): mean, fitted\n")
emit_croston <- function(series, y, alpha = 0.1) {
  fc <- croston(y, h = 5, alpha = alpha)
  cat(sprintf('    {"%s", %s,\n     {%s},\n     {%s}},\n', series, sprintf("%.17g", alpha),
              num(fc$mean), num(fc$fitted)))
}
for (id in c("FOODS_1_033_CA_1_validation", "HOBBIES_2_057_TX_2_validation")) {
  emit_croston(sub("_validation", "", id), series_of(m5, id, 200))
}
emit_croston("one_demand", c(0, 0, 3, 0, 0, 0))
emit_croston("alpha_0.3", c(0, 2, 0, 0, 1, 5, 0, 0, 0, 2, 0, 1), alpha = 0.3)
