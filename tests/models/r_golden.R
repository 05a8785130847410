#!/usr/bin/Rscript
# Prints the golden forecasts of r_golden_test.cc (R 4.2.2, forecast 8.20) as C++ rows.
# Usage: Rscript tests/models/r_golden.R /work/shared/peers/data/walmart_store.csv
suppressPackageStartupMessages(library(forecast))
args <- commandArgs(trailingOnly = TRUE)
walmart <- read.csv(args[1])
num <- function(v) paste(sprintf("%.17g", as.numeric(v)), collapse = ", ")
emit <- function(series, model, fc) {
  cat(sprintf('    {"%s", "%s",\n     {%s},\n     {%s},\n     {%s},\n     {%s},\n     {%s}},\n',
              series, model, num(fc$mean), num(fc$lower[, 1]), num(fc$upper[, 1]),
              num(fc$lower[, 2]), num(fc$upper[, 2])))
}
run <- function(series, y, h, with_mean = TRUE) {
  lv <- c(80, 95)
  emit(series, "naive", naive(y, h = h, level = lv))
  emit(series, "snaive", snaive(y, h = h, level = lv))
  emit(series, "drift", rwf(y, h = h, drift = TRUE, level = lv))
  if (with_mean) emit(series, "mean", meanf(y, h = h, level = lv))
}
for (id in c("store_01", "store_02")) {
  d <- walmart[walmart$unique_id == id, ]
  d <- d[order(d$ds), ]
  run(id, ts(d$y[1:130], frequency = 52), 13)
}
run("AirPassengers", AirPassengers, 12)
ap_na <- AirPassengers
ap_na[c(5, 40, 41, 77, 139, 144)] <- NA
run("AirPassengersNA", ap_na, 12, with_mean = FALSE)
