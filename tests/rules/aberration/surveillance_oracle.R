# The reference: R surveillance's earsC and farringtonFlexible on one series (measure 15; tests/rules/aberration).
# Usage: Rscript surveillance_oracle.R IN.csv OUT.csv METHOD FREQ ALPHA BASELINE YEARS
#   IN.csv: one column `count`; METHOD: C1, C2, C3 or farrington; FREQ: 52 or 365 (positional epochs, no dates);
#   ALPHA, BASELINE, YEARS: a number, or NA to leave surveillance's default.
# OUT.csv: `index,upperbound,alarm` for every epoch judged (1-based index; NA where R gives NA or NaN).
# Base R only besides surveillance, so that CI's r-cran-surveillance is all it needs.
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
counts <- read.csv(args[1])$count
method <- args[3]
freq <- as.integer(args[4])
alpha <- suppressWarnings(as.numeric(args[5]))
baseline <- suppressWarnings(as.integer(args[6]))
years <- suppressWarnings(as.integer(args[7]))
series <- sts(observed = matrix(counts, ncol = 1), frequency = freq, start = c(2000, 1))
if (method == "farrington") {
  control <- list()
  if (!is.na(alpha)) control$alpha <- alpha
  if (!is.na(years)) control$b <- years
  result <- suppressWarnings(farringtonFlexible(series, control = control))
  first <- freq * (if (is.na(years)) 5 else years) + 3 + 1
} else {
  control <- list(method = method)
  if (!is.na(alpha)) control$alpha <- alpha
  if (!is.na(baseline)) control$baseline <- baseline
  result <- earsC(series, control = control)
  b <- if (is.na(baseline)) 7 else baseline
  first <- b + switch(method, C1 = 1, C2 = 3, C3 = 5)
}
upper <- as.vector(result@upperbound)
alarm <- as.vector(result@alarm)
out <- data.frame(
  index = seq(first, length.out = length(upper)),
  upperbound = ifelse(is.na(upper), "NA", sprintf("%.17g", upper)),
  alarm = ifelse(is.na(alarm), "NA", ifelse(alarm, "TRUE", "FALSE"))
)
write.csv(out, args[2], row.names = FALSE, quote = FALSE)
