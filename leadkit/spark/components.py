"""Connected components of a graph held as a Spark frame of edges, without GraphFrames.

The alternating large-star / small-star algorithm (Kiveris et al., "Connected Components in
MapReduce and Beyond", 2014): each round moves every node's edges towards the smallest node it can
see, and stops when the edges form stars, one per component, around its smallest node. Rounds are
O(log² n); each is a few joins and group-bys, and the edges are checkpointed every round so that
the plan does not grow. The label of a node is the smallest node of its component, which is what
leadkit's own ``components`` gives (the smallest rank), so both engines number components alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from leadkit.spark.session import checkpoint

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

#: A safety stop: far more rounds than any graph of 2⁶⁴ nodes needs.
MAX_ROUNDS = 200


def connected_components(edges: DataFrame, a: str = "a", b: str = "b") -> DataFrame:
    """``node, component`` for every node of ``edges`` (integer columns ``a``, ``b``): the smallest
    node of its connected component. Nodes on no edge are not in the result."""
    from pyspark.sql import functions as F

    current = checkpoint(
        edges.select(F.col(a).cast("long").alias("u"), F.col(b).cast("long").alias("v"))
        .where(F.col("u") != F.col("v"))
        .select(F.greatest("u", "v").alias("u"), F.least("u", "v").alias("v"))
        .distinct()
    )
    for _ in range(MAX_ROUNDS):
        if _is_stars(current):
            break
        current = checkpoint(_small_star(_large_star(current)))
    else:  # pragma: no cover
        raise RuntimeError("connected components did not converge")
    roots = current.select(F.col("v").alias("node"), F.col("v").alias("component")).distinct()
    leaves = current.select(F.col("u").alias("node"), F.col("v").alias("component"))
    return leaves.unionByName(roots.join(leaves.select("node"), "node", "left_anti"))


def _large_star(edges: DataFrame) -> DataFrame:
    """Each node u links its larger neighbours to the smallest of u and its neighbours."""
    from pyspark.sql import functions as F

    both = edges.select("u", "v").unionByName(
        edges.select(F.col("v").alias("u"), F.col("u").alias("v"))
    )
    smallest = (
        both.groupBy("u").agg(F.min("v").alias("m")).select("u", F.least("u", "m").alias("m"))
    )
    return (
        both.join(smallest, "u")
        .where(F.col("v") > F.col("u"))
        .select(F.col("v").alias("u"), F.col("m").alias("v"))
        .distinct()
    )


def _small_star(edges: DataFrame) -> DataFrame:
    """Each node u links itself and its smaller neighbours to the smallest of them (edges u > v)."""
    from pyspark.sql import functions as F

    smallest = edges.groupBy("u").agg(F.min("v").alias("m"))
    joined = edges.join(smallest, "u")
    moved = joined.where(F.col("v") != F.col("m")).select(
        F.col("v").alias("u"), F.col("m").alias("v")
    )
    own = smallest.select("u", F.col("m").alias("v"))
    return moved.unionByName(own).distinct()


def _is_stars(edges: DataFrame) -> bool:
    """Every node has one edge, to a node that has none (edges u > v): each component is a star
    around its smallest node, and the algorithm is done. One job."""
    from pyspark.sql import functions as F

    several = edges.groupBy("u").count().where(F.col("count") > 1).select("u")
    chained = edges.select("v").distinct().join(edges.select(F.col("u").alias("v")), "v")
    return several.unionByName(chained.select(F.col("v").alias("u"))).limit(1).count() == 0
