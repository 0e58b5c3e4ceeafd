"""fangkong (防控): the 11 November 2022 notice on COVID-19 prevention and control as versioned, cited code."""

__version__ = "0.1.0"
