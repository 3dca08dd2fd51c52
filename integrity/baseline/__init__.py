"""Baselines: building manifests of trees and storing them as canonical, signed JSON."""
